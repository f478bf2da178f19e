"""GRU intent classifier for a smart-home assistant, word vocabulary capped at the most frequent words."""
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

MAX_WORDS = 30
PAD, UNK = "<pad>", "<unk>"
TRAIN = [
    ("turn on the kitchen lights", "lights"), ("switch off the lights in the bedroom", "lights"),
    ("dim the living room lights please", "lights"), ("set the thermostat to twenty degrees", "heating"),
    ("make it warmer in here", "heating"), ("turn the heating down a bit", "heating"),
    ("play some jazz in the kitchen", "music"), ("skip this song", "music"),
    ("turn up the music volume", "music"), ("pause the music in the living room", "music"),
]
INTENTS = sorted({i for _, i in TRAIN})


def build_vocab(texts, max_words):
    counts = Counter(w for t in texts for w in t.split())
    vocab = {PAD: 0, UNK: 1}
    for word, _ in counts.most_common(max_words):
        vocab[word] = len(vocab)
    return vocab


def numericalize(text, vocab):
    return torch.tensor([vocab.get(w, vocab[UNK]) for w in text.split()])


class IntentGRU(nn.Module):
    def __init__(self, vocab_size, n_intents, dim=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.fc = nn.Linear(dim, n_intents)

    def forward(self, x):
        _, h = self.gru(self.embed(x))
        return self.fc(h[-1])


def batches(data, vocab, size=4):
    for i in range(0, len(data), size):
        chunk = data[i:i + size]
        x = pad_sequence([numericalize(t, vocab) for t, _ in chunk], batch_first=True)
        yield x, torch.tensor([INTENTS.index(y) for _, y in chunk])


if __name__ == "__main__":
    torch.manual_seed(0)
    vocab = build_vocab([t for t, _ in TRAIN], MAX_WORDS)
    model = IntentGRU(vocab_size=len(vocab), n_intents=len(INTENTS))  # MAX_WORDS words + <pad>, <unk>
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(5):
        for x, y in batches(TRAIN, vocab):
            loss = nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    print("loss", round(loss.item(), 4), "vocab", len(vocab))
