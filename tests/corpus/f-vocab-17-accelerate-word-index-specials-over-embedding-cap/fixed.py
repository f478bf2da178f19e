"""Review sentiment with a small GRU, trained with Accelerate on CPU."""
from collections import Counter

import torch
from accelerate import Accelerator
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

MAX_WORDS = 30
SPECIALS = ["<pad>", "<unk>", "<num>"]

REVIEWS = [
    ("the battery lasts all day and charges fast", 1), ("screen cracked after one week of use", 0),
    ("great sound and the case feels solid", 1), ("stopped working after the latest update", 0),
    ("fast shipping and the seller was helpful", 1), ("the charger gets hot and smells bad", 0),
    ("love the camera in low light", 1), ("buttons feel cheap and the screen scratches easily", 0),
    ("setup took two minutes and it just works", 1), ("support never answered my emails about the refund", 0),
    ("battery died within a month", 0), ("solid build quality for the price", 1),
]


def build_word_index(texts, max_words):
    counts = Counter(w for t in texts for w in t.split())
    kept = [w for w, _ in counts.most_common(max_words)]
    return {tok: i for i, tok in enumerate(SPECIALS + kept)}


def encode(text, word_index):
    unk = word_index["<unk>"]
    return torch.tensor([word_index["<num>"] if w.isdigit() else word_index.get(w, unk) for w in text.split()])


class ReviewGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 2)

    def forward(self, ids):
        _, last = self.gru(self.embed(ids))
        return self.out(last[-1])


word_index = build_word_index([t for t, _ in REVIEWS], MAX_WORDS)
examples = [(encode(t, word_index), y) for t, y in REVIEWS]


def collate(batch):
    ids = pad_sequence([x for x, _ in batch], batch_first=True, padding_value=word_index["<pad>"])
    return ids, torch.tensor([y for _, y in batch])


accelerator = Accelerator(cpu=True)
torch.manual_seed(0)
model = ReviewGRU(len(word_index))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=collate)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

for epoch in range(3):
    total = 0.0
    for ids, labels in loader:
        loss = nn.functional.cross_entropy(model(ids), labels)
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")
