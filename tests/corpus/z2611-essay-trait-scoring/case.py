"""Multi-trait automated essay scoring (content / organization / conventions).

Essays are word-id sequences; a BiGRU encoder is followed by multi-head
attention pooling with one learned query per rubric trait.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CONFIG = {
    "seed": 5,
    "vocab_size": 3000,
    "emb_dim": 100,          # matches the 100d GloVe we use in production
    "gru_hidden": 50,
    "n_heads": 8,
    "traits": ["content", "organization", "conventions"],
    "score_range": (1, 6),
    "batch_size": 16,
    "lr": 1e-3,
    "epochs": 2,
    "min_words": 40,
    "max_words": 120,
}

random.seed(CONFIG["seed"])
np.random.seed(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])


def make_essays(n, cfg):
    lo, hi = cfg["score_range"]
    essays = []
    for _ in range(n):
        length = random.randint(cfg["min_words"], cfg["max_words"])
        ids = np.random.randint(2, cfg["vocab_size"], size=length).tolist()
        quality = length / cfg["max_words"]
        scores = [float(np.clip(round(lo + quality * (hi - lo) + np.random.normal(0, 0.7)), lo, hi))
                  for _ in cfg["traits"]]
        essays.append({"ids": ids, "scores": scores})
    return essays


class EssayDataset(Dataset):
    def __init__(self, essays, score_range):
        self.essays = essays
        self.lo, self.hi = score_range

    def __len__(self):
        return len(self.essays)

    def __getitem__(self, i):
        e = self.essays[i]
        scaled = [(s - self.lo) / (self.hi - self.lo) for s in e["scores"]]
        return torch.tensor(e["ids"]), torch.tensor(scaled)


def pad_collate(batch):
    ids, scores = zip(*batch)
    lengths = torch.tensor([len(x) for x in ids])
    padded = nn.utils.rnn.pad_sequence(ids, batch_first=True, padding_value=0)
    mask = torch.arange(padded.size(1))[None, :] < lengths[:, None]
    return padded, mask, lengths, torch.stack(scores)


class TraitAttentionPool(nn.Module):
    def __init__(self, d_model, n_heads, n_traits):
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.queries = nn.Parameter(torch.randn(n_traits, n_heads, self.head_dim) * 0.1)
        self.key_proj = nn.Linear(d_model, d_model)

    def forward(self, h, mask):
        B, T, _ = h.shape
        keys = self.key_proj(h).view(B, T, self.n_heads, self.head_dim)
        vals = h.view(B, T, self.n_heads, self.head_dim)
        scores = torch.einsum("bthd,khd->bkht", keys, self.queries) / self.head_dim ** 0.5
        scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
        attn = scores.softmax(-1)
        pooled = torch.einsum("bkht,bthd->bkhd", attn, vals)
        return pooled.reshape(B, pooled.size(1), -1)


class EssayScorer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n_traits = len(cfg["traits"])
        self.embed = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"], padding_idx=0)
        self.encoder = nn.GRU(cfg["emb_dim"], cfg["gru_hidden"], batch_first=True, bidirectional=True)
        d_model = 2 * cfg["gru_hidden"]
        self.pool = TraitAttentionPool(d_model, cfg["n_heads"], n_traits)
        self.heads = nn.Linear(self.pool.n_heads * self.pool.head_dim, 1)

    def forward(self, ids, mask, lengths):
        x = self.embed(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.encoder(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.size(1))
        pooled = self.pool(h, mask)
        return torch.sigmoid(self.heads(pooled).squeeze(-1))


def train_one_epoch(model, loader, opt):
    model.train()
    total = 0.0
    for ids, mask, lengths, scores in loader:
        pred = model(ids, mask, lengths)
        loss = nn.functional.mse_loss(pred, scores)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * ids.size(0)
    return total / len(loader.dataset)


@torch.no_grad()
def trait_rmse(model, loader, cfg):
    model.eval()
    lo, hi = cfg["score_range"]
    errs = []
    for ids, mask, lengths, scores in loader:
        pred = model(ids, mask, lengths)
        errs.append(((pred - scores) * (hi - lo)) ** 2)
    errs = torch.cat(errs).mean(0).sqrt()
    return {t: round(e.item(), 3) for t, e in zip(cfg["traits"], errs)}


def main(cfg):
    essays = make_essays(240, cfg)
    train_ds = EssayDataset(essays[:192], cfg["score_range"])
    val_ds = EssayDataset(essays[192:], cfg["score_range"])
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"], collate_fn=pad_collate)

    model = EssayScorer(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        loss = train_one_epoch(model, train_dl, opt)
        print(f"epoch {epoch} mse {loss:.4f} val rmse {trait_rmse(model, val_dl, cfg)}")


if __name__ == "__main__":
    main(CONFIG)
