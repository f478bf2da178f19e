"""Slot filling for a flight-booking assistant: word-level BiGRU tagger, plain PyTorch."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)

SLOTS = ["O", "B-from", "B-to", "B-date", "I-date"]
BOOKINGS = [
    ("fly from oslo to rome on monday", "O O B-from O B-to O B-date"),
    ("book a flight to paris", "O O O O B-to"),
    ("from berlin to madrid next friday", "O B-from O B-to B-date I-date"),
    ("i need to get to lisbon", "O O O O O B-to"),
    ("leaving vienna on the third of may", "O B-from O B-date I-date I-date I-date"),
    ("cheapest flight to dublin tomorrow", "O O O B-to B-date"),
]
WORD_PAD, WORD_UNK = 0, 1
TAG_PAD = -1  # padded positions get no tag


def build_vocab(rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    return {w: i + 2 for i, w in enumerate(words)}


class BookingTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, emb=24, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=WORD_PAD)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.emit = nn.Linear(2 * hidden, num_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.embed(word_ids))
        return self.emit(states)


def make_collate(vocab):
    def collate(rows):
        words = [torch.tensor([vocab.get(w, WORD_UNK) for w in text.split()]) for text, _ in rows]
        tags = [torch.tensor([SLOTS.index(t) for t in tag_str.split()]) for _, tag_str in rows]
        return pad_sequence(words, batch_first=True, padding_value=WORD_PAD), \
            pad_sequence(tags, batch_first=True, padding_value=TAG_PAD)
    return collate


def train(epochs=3):
    vocab = build_vocab(BOOKINGS)
    loader = DataLoader(BOOKINGS, batch_size=3, shuffle=True, collate_fn=make_collate(vocab))
    tagger = BookingTagger(len(vocab) + 2, len(SLOTS))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(tagger.parameters(), lr=5e-3)
    for epoch in range(epochs):
        correct = total = 0
        for word_ids, tag_ids in loader:
            scores = tagger(word_ids)
            loss = criterion(scores.reshape(-1, len(SLOTS)), tag_ids.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            real = tag_ids != TAG_PAD
            correct += (scores.argmax(-1)[real] == tag_ids[real]).sum().item()
            total += real.sum().item()
        print(f"epoch {epoch}: loss {loss.item():.3f} tag accuracy {correct / total:.2f}")


if __name__ == "__main__":
    train()
