"""Repeat-purchase model: predict the next category a customer buys from their recent baskets."""
import argparse
import csv
import io
import os
from functools import lru_cache
from typing import Dict, List, Protocol

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


# ---------------------------------------------------------------- utils
def to_tensor(x, dtype=torch.long):
    return torch.tensor(x, dtype=dtype)


def pad_to(seq, length, value=0):
    seq = list(seq)
    if len(seq) >= length:
        return seq[-length:]
    return [value] * (length - len(seq)) + seq


def batched(it, n):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == n:
            yield buf
            buf = []
    if buf:
        yield buf


# ---------------------------------------------------------------- transaction log
def fake_transactions(n_rows=1500, n_users=120, n_items=80, seed=11) -> str:
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["day", "customer", "article", "category", "split"])
    users = rng.integers(0, n_users, n_rows)
    for r in range(n_rows):
        art = int(rng.integers(0, n_items))
        w.writerow([int(rng.integers(0, 90)), f"C{users[r]:04d}", f"A{art:03d}", f"cat{art % 9}",
                    "val" if users[r] % 5 == 0 else "train"])
    return out.getvalue()


def read_log(text: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class Vocab:
    def __init__(self, tokens):
        self.itos = ["<pad>"] + sorted(set(tokens))
        self._stoi = {t: i for i, t in enumerate(self.itos)}

    @lru_cache(maxsize=4096)
    def __getitem__(self, tok):
        return self._stoi.get(tok, 0)

    def __len__(self):
        return len(self.itos)


def histories(rows, split):
    by_user: Dict[str, List[Dict[str, str]]] = {}
    for r in rows:
        if r["split"] == split:
            by_user.setdefault(r["customer"], []).append(r)
    for cust, rs in sorted(by_user.items()):
        rs.sort(key=lambda r: int(r["day"]))
        if len(rs) >= 3:
            yield cust, [r["article"] for r in rs], rs[-1]["category"]


class BasketDataset(Dataset):
    def __init__(self, rows, split, items: Vocab, cats: Vocab, max_hist=None):
        self.samples = []
        for cust, arts, last_cat in histories(rows, split):
            ids = [items[a] for a in arts[:-1]]
            if max_hist:
                ids = pad_to(ids, max_hist)
            self.samples.append((ids, cats[last_cat]))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        ids, y = self.samples[i]
        return {"history": to_tensor(ids), "label": to_tensor(y)}


# ---------------------------------------------------------------- model
class Recommender(Protocol):
    def __call__(self, history: torch.Tensor) -> torch.Tensor: ...


class GRUNextCategory(nn.Module):
    def __init__(self, n_items, n_cats, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_items, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_cats)

    def forward(self, history):
        h, _ = self.gru(self.emb(history))
        return self.out(h[:, -1])


def evaluate(model: Recommender, loader) -> float:
    model.eval()
    hits, n = 0, 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["history"]).argmax(-1)
            hits += (pred == batch["label"]).sum().item()
            n += len(pred)
    return hits / max(n, 1)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--max-hist", type=int, default=10)
    p.add_argument("--bs", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args(argv)
    torch.manual_seed(3)

    rows = read_log(fake_transactions())
    items = Vocab(r["article"] for r in rows)
    cats = Vocab(r["category"] for r in rows)

    train_ds = BasketDataset(rows, "train", items, cats, max_hist=args.max_hist)
    val_ds = BasketDataset(rows, "val", items, cats, max_hist=args.max_hist)
    print(f"train={len(train_ds)} val={len(val_ds)} items={len(items)} cats={len(cats)}")

    train_dl = DataLoader(train_ds, batch_size=args.bs, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.bs)

    model = GRUNextCategory(len(items), len(cats))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for ep in range(args.epochs):
        model.train()
        for batch in train_dl:
            loss = nn.functional.cross_entropy(model(batch["history"]), batch["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {ep} loss {loss.item():.3f} val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main(["--max-hist", "10", "--bs", "16", "--epochs", "3"])
