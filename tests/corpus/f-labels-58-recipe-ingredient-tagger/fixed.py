import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

PAD = 0
IGNORE = -100
TAGS = ["O", "QTY", "UNIT", "NAME"]

QTYS = ["1", "2", "3", "half", "quarter", "12"]
UNITS = ["cup", "cups", "tbsp", "tsp", "grams", "pinch"]
NAMES = ["flour", "sugar", "butter", "salt", "milk", "basil", "garlic", "olive", "oil"]
FILLER = ["of", "fresh", "chopped", "softened", "finely", "to", "taste"]


@dataclass
class TaggerConfig:
    emb_dim: int = 32
    hidden: int = 32
    max_tags: int = 24
    batch_size: int = 8
    lr: float = 3e-3
    epochs: int = 2


def make_lines(n, rng):
    lines = []
    for _ in range(n):
        words, tags = [rng.choice(QTYS)], [1]
        words.append(rng.choice(UNITS)); tags.append(2)
        for _ in range(rng.randint(0, 2)):
            words.append(rng.choice(FILLER)); tags.append(0)
        for _ in range(rng.randint(1, 2)):
            words.append(rng.choice(NAMES)); tags.append(3)
        lines.append((words, tags))
    return lines


def build_vocab(lines):
    vocab = {"<pad>": PAD, "<unk>": 1}
    for words, _ in lines:
        for w in words:
            vocab.setdefault(w, len(vocab))
    return vocab


def collate_lines(batch, vocab, cfg):
    longest = max(len(words) for words, _ in batch)
    id_rows, tag_rows = [], []
    for words, tags in batch:
        ids = [vocab.get(w, 1) for w in words]
        id_rows.append(ids + [PAD] * (longest - len(ids)))
        tag_rows.append(tags + [IGNORE] * (longest - len(tags)))
    return torch.tensor(id_rows), torch.tensor(tag_rows)


class IngredientTagger(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, len(TAGS))

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.out(h)


def train(cfg):
    rng = random.Random(3)
    torch.manual_seed(3)
    lines = make_lines(200, rng)
    vocab = build_vocab(lines)
    loader = DataLoader(
        lines,
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=lambda b: collate_lines(b, vocab, cfg),
    )
    model = IngredientTagger(len(vocab), cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    criterion = nn.CrossEntropyLoss(ignore_index=IGNORE)
    for epoch in range(cfg.epochs):
        running = 0.0
        for ids, tags in loader:
            logits = model(ids)
            loss = criterion(logits.reshape(-1, len(TAGS)), tags.reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch + 1}: mean loss {running / len(loader):.4f}")


if __name__ == "__main__":
    train(TaggerConfig())
