import math
import random
from dataclasses import dataclass
from typing import List, NamedTuple, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)
random.seed(2024)


@dataclass
class Config:
    n_users: int = 200
    n_items: int = 500
    dim: int = 48
    max_hist: int = 16
    n_neg: int = 5
    batch_size: int = 32
    epochs: int = 2
    lr: float = 2e-3


Interaction = Tuple[int, int, float]


def simulate_interactions(cfg: Config, n_rows: int = 3000) -> List[Interaction]:
    item_pop = rng.zipf(1.3, size=cfg.n_items).astype(np.float64)
    item_pop /= item_pop.sum()
    users = rng.integers(0, cfg.n_users, size=n_rows)
    items = rng.choice(cfg.n_items, size=n_rows, p=item_pop)
    times = np.sort(rng.uniform(0, 1e6, size=n_rows))
    return [(int(u), int(i) + 1, float(t)) for u, i, t in zip(users, items, times)]


class NextItemSample(NamedTuple):
    user: int
    history: List[int]
    target: int
    negatives: List[int]


class NextItemDataset(Dataset):
    def __init__(self, log: List[Interaction], cfg: Config):
        self.cfg = cfg
        by_user = {}
        for u, i, t in log:
            by_user.setdefault(u, []).append((t, i))
        self.samples: List[NextItemSample] = []
        for u, events in by_user.items():
            seq = [i for _, i in sorted(events)]
            for pos in range(1, len(seq)):
                hist = seq[max(0, pos - cfg.max_hist):pos]
                negs = self._sample_negatives(set(seq))
                self.samples.append(NextItemSample(u, hist, seq[pos], negs))

    def _sample_negatives(self, exclude):
        out = []
        while len(out) < self.cfg.n_neg:
            cand = random.randint(1, self.cfg.n_items)
            if cand not in exclude:
                out.append(cand)
        return out

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]


def collate(samples: List[NextItemSample]):
    longest = max(len(s.history) for s in samples)
    hist_ids = [s.history + [0] * (longest - len(s.history)) for s in samples]
    hist_pad = torch.tensor([[0] * len(s.history) + [1] * (longest - len(s.history)) for s in samples], dtype=torch.bool)
    return {
        "user": torch.tensor([s.user for s in samples]),
        "hist_ids": torch.tensor(hist_ids),
        "hist_pad": hist_pad,
        "target": torch.tensor([s.target for s in samples]),
        "negatives": torch.tensor([s.negatives for s in samples]),
    }


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.query = nn.Linear(dim, dim, bias=False)
        self.scale = 1.0 / math.sqrt(dim)

    def forward(self, user_vec, hist_vecs, hist_pad):
        q = self.query(user_vec).unsqueeze(1)
        logits = (q * hist_vecs).sum(-1) * self.scale
        logits = logits.masked_fill(hist_pad, float("-inf"))
        weights = torch.softmax(logits, dim=-1)
        return torch.bmm(weights.unsqueeze(1), hist_vecs).squeeze(1)


class SequentialTwoTower(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.user_table = nn.Embedding(cfg.n_users, cfg.dim)
        self.item_table = nn.Embedding(cfg.n_items + 1, cfg.dim, padding_idx=0)
        self.pool = AttentionPool(cfg.dim)
        self.user_proj = nn.Linear(2 * cfg.dim, cfg.dim)
        self.item_proj = nn.Linear(cfg.dim, cfg.dim)

    def user_tower(self, feats):
        u = self.user_table(feats["user"])
        h = self.item_table(feats["hist_ids"])
        pooled = self.pool(u, h, feats["hist_pad"])
        return F.normalize(self.user_proj(torch.cat([u, pooled], -1)), dim=-1)

    def item_tower(self, ids):
        return F.normalize(self.item_proj(self.item_table(ids)), dim=-1)

    def forward(self, feats):
        u = self.user_tower(feats)
        cands = torch.cat([feats["target"].unsqueeze(1), feats["negatives"]], dim=1)
        c = self.item_tower(cands)
        return torch.einsum("bd,bkd->bk", u, c) * 20.0


def train(cfg: Config):
    log = simulate_interactions(cfg)
    ds = NextItemDataset(log, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = SequentialTwoTower(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    print(f"{len(ds)} training samples, {len(loader)} batches/epoch")

    for epoch in range(cfg.epochs):
        model.train()
        running = []
        for feats in loader:
            scores = model(feats)
            loss = F.cross_entropy(scores, torch.zeros(scores.size(0), dtype=torch.long))
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        hits = 0
        model.eval()
        with torch.no_grad():
            for feats in loader:
                hits += (model(feats).argmax(1) == 0).sum().item()
        print(f"epoch {epoch}: loss={np.mean(running):.4f} hit@1={hits / len(ds):.3f}")
    return model


if __name__ == "__main__":
    train(Config())
