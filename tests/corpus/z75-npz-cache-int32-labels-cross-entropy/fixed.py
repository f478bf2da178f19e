"""Two-stage pipeline for a language-identification model: `prepare` turns the raw sentences into a compact
.npz cache of character ids and labels (int32 to keep the cache small), `train` reads the cache into a
TensorDataset and trains a character CNN.
"""
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

LANGS = ["en", "de", "fr"]
SENTENCES = [
    ("the weather is nice today", "en"), ("das wetter ist heute schoen", "de"), ("il fait beau aujourd hui", "fr"),
    ("where is the station", "en"), ("wo ist der bahnhof", "de"), ("ou est la gare", "fr"),
    ("i would like a coffee", "en"), ("ich moechte einen kaffee", "de"), ("je voudrais un cafe", "fr"),
]
MAX_CHARS = 32
ALPHABET = " abcdefghijklmnopqrstuvwxyz"


def prepare(path):
    ids = np.zeros((len(SENTENCES), MAX_CHARS), dtype=np.int32)
    for row, (text, _) in enumerate(SENTENCES):
        codes = [ALPHABET.index(c) + 1 for c in text[:MAX_CHARS]]
        ids[row, :len(codes)] = codes
    labels = np.asarray([LANGS.index(lang) for _, lang in SENTENCES], dtype=np.int32)
    np.savez(path, ids=ids, labels=labels)


class CharCNN(nn.Module):
    def __init__(self, num_chars, num_classes, dim=16, channels=32):
        super().__init__()
        self.embed = nn.Embedding(num_chars, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, channels, kernel_size=3, padding=1)
        self.out = nn.Linear(channels, num_classes)

    def forward(self, ids):
        h = F.relu(self.conv(self.embed(ids).transpose(1, 2)))
        return self.out(h.max(dim=2).values)


def train(path, epochs=3):
    cache = np.load(path)
    dataset = TensorDataset(torch.from_numpy(cache["ids"]), torch.from_numpy(cache["labels"]).long())
    loader = DataLoader(dataset, batch_size=4, shuffle=True)
    torch.manual_seed(0)
    model = CharCNN(len(ALPHABET) + 1, len(LANGS))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(epochs):
        for ids, y in loader:
            loss = F.cross_entropy(model(ids), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.3f}")


if __name__ == "__main__":
    cache_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(prefix="langid-"), "cache.npz")
    if not os.path.exists(cache_path):
        prepare(cache_path)
    train(cache_path)
