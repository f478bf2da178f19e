import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


@dataclass
class Config:
    embed_dim: int = 48
    hidden_dim: int = 32
    batch_size: int = 8
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 13
    n_reviews: int = 33


cfg = Config()
random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

POS = ["great", "lovely", "excellent", "fun", "brilliant", "tasty"]
NEG = ["awful", "boring", "bland", "terrible", "slow", "rude"]
FILLER = ["the", "food", "was", "service", "and", "really", "staff", "very", "place"]


def fake_review():
    label = random.random() < 0.5
    words = random.choices(FILLER, k=random.randint(3, 8))
    words += random.choices(POS if label else NEG, k=random.randint(1, 3))
    random.shuffle(words)
    return " ".join(words), float(label)


reviews = [fake_review() for _ in range(cfg.n_reviews)]
vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in reviews:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


def encode(text):
    return torch.tensor([vocab.get(w, 1) for w in text.split()], dtype=torch.long)


def collate(batch):
    ids = pad_sequence([encode(t) for t, _ in batch], batch_first=True, padding_value=0)
    labels = torch.tensor([y for _, y in batch])
    return ids, labels


class ReviewClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.embed_dim, padding_idx=0)
        self.proj = nn.Linear(cfg.embed_dim, cfg.hidden_dim)
        self.out = nn.Linear(cfg.hidden_dim, 1)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        summed = (self.emb(ids) * mask).sum(1)
        pooled = summed / mask.sum(1).clamp(min=1.0)
        h = torch.relu(self.proj(pooled))
        return self.out(h).squeeze(-1)


model = ReviewClassifier(len(vocab), cfg)
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
loader = DataLoader(reviews, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)

for epoch in range(cfg.epochs):
    model.train()
    running, correct = 0.0, 0
    for ids, labels in loader:
        logits = model(ids)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(labels)
        correct += ((logits > 0).float() == labels).sum().item()
    print(f"epoch {epoch + 1}: loss={running / len(reviews):.4f} acc={correct / len(reviews):.2%}")
