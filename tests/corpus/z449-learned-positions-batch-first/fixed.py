import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class Config:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 32
    batch_size: int = 64
    epochs: int = 3
    lr: float = 1e-3
    seed: int = 13


cfg = Config()
random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

POS = ["great", "fun", "loved", "brilliant", "nice", "enjoyable"]
NEG = ["boring", "awful", "hated", "dull", "bad", "slow"]
FILLER = ["the", "movie", "was", "really", "plot", "and", "acting", "quite", "very", "i"]


def make_review(label):
    words = random.choices(FILLER, k=random.randint(4, 10))
    words.insert(random.randrange(len(words)), random.choice(POS if label else NEG))
    return " ".join(words), label


reviews = [make_review(i % 2) for i in range(192)]
vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in reviews:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


class ReviewDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        ids = [vocab.get(w, 1) for w in text.split()][: cfg.max_len]
        return torch.tensor(ids), label


def collate(batch):
    ids, labels = zip(*batch)
    ids = nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=0)
    return ids, torch.tensor(labels)


class LearnedPositions(nn.Module):
    """Learned absolute position embeddings added to the token embeddings."""

    def __init__(self, max_len, d_model, dropout=0.1):
        super().__init__()
        self.pos = nn.Embedding(max_len, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        positions = torch.arange(x.size(1), device=x.device)
        return self.drop(x + self.pos(positions).unsqueeze(0))


class ReviewClassifier(nn.Module):
    def __init__(self, vocab_size, c: Config):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, c.d_model, padding_idx=0)
        self.pos = LearnedPositions(c.max_len, c.d_model)
        layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, dim_feedforward=64,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, c.n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(c.d_model, 2)

    def forward(self, ids):
        pad = ids.eq(0)
        h = self.encoder(self.pos(self.tok(ids)), src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0).sum(1) / (~pad).sum(1, keepdim=True)
        return self.out(h)


split = int(0.75 * len(reviews))
train_dl = DataLoader(ReviewDataset(reviews[:split]), batch_size=cfg.batch_size,
                      shuffle=True, collate_fn=collate)
val_dl = DataLoader(ReviewDataset(reviews[split:]), batch_size=cfg.batch_size, collate_fn=collate)

model = ReviewClassifier(len(vocab), cfg)
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

for epoch in range(cfg.epochs):
    model.train()
    for ids, labels in train_dl:
        loss = F.cross_entropy(model(ids), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()

    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, labels in val_dl:
            correct += (model(ids).argmax(-1) == labels).sum().item()
    print(f"epoch {epoch + 1}: loss={loss.item():.3f} val_acc={correct / len(val_dl.dataset):.3f}")
