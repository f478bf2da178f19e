"""Next-item recommender over user purchase histories (self-attentive, SASRec-like).

recsys/seq: builds user/item vocabularies from the raw transaction log,
turns each user's history into fixed-length windows and trains a small
transformer encoder to predict the next purchased item.
"""
import argparse
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, Iterator, List, Protocol, Tuple

import numpy as np
import torch
from torch import nn

PAD = 0


# --------------------------------------------------------------------- utils
def to_tensor(rows, dtype=torch.long) -> torch.Tensor:
    return torch.tensor(rows, dtype=dtype)


def pad_to(seq: List[int], n: int, value: int = PAD) -> List[int]:
    seq = seq[-n:]
    return [value] * (n - len(seq)) + seq


def batched(it, size: int) -> Iterator[list]:
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


# ---------------------------------------------------------------------- data
def synth_transactions(n_users: int, n_items: int, seed: int) -> List[Tuple[str, str, int]]:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (1.0 + rng.permutation(n_items)) ** 0.8
    popularity /= popularity.sum()
    log = []
    for u in range(n_users):
        n = int(rng.integers(3, 30))
        items = rng.choice(n_items, size=n, p=popularity)
        for ts, it in enumerate(items):
            log.append((f"cust_{u:05d}", f"item_{it:04d}", int(1_700_000_000 + 3600 * ts)))
    return log


@dataclass(frozen=True)
class Vocabs:
    users: Tuple[str, ...]
    items: Tuple[str, ...]

    @functools.lru_cache(maxsize=None)
    def item_id(self, item: str) -> int:
        return self.items.index(item) + 1

    @property
    def n_items(self) -> int:
        return len(self.items) + 1


def build_vocabs(log) -> Vocabs:
    return Vocabs(users=tuple(sorted({u for u, _, _ in log})), items=tuple(sorted({i for _, i, _ in log})))


def user_histories(log, vocabs: Vocabs) -> Dict[str, List[int]]:
    hist = defaultdict(list)
    for user, item, _ in sorted(log, key=lambda r: (r[0], r[2])):
        hist[user].append(vocabs.item_id(item))
    return hist


def windows(hist: Dict[str, List[int]], max_len: int):
    for user, seq in hist.items():
        for end in range(2, len(seq) + 1):
            ctx = seq[:end - 1]
            yield pad_to(ctx, max_len), seq[end - 1]


def make_batch(examples) -> Dict[str, torch.Tensor]:
    ctx = [c for c, _ in examples]
    return {
        "history": to_tensor(ctx),
        "key_pad": to_tensor([[t == PAD for t in row] for row in ctx]),
        "target": to_tensor([y for _, y in examples]),
    }


# --------------------------------------------------------------------- model
class NextItemModel(Protocol):
    def __call__(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor: ...


class SelfAttentiveRec(nn.Module):
    def __init__(self, n_items: int, max_len: int, dim: int = 32, heads: int = 2, layers: int = 1):
        super().__init__()
        self.item_emb = nn.Embedding(n_items, dim, padding_idx=PAD)
        self.pos_emb = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)

    def forward(self, batch):
        hist = batch["history"]
        pos = torch.arange(hist.size(1), device=hist.device).unsqueeze(0)
        x = self.item_emb(hist) + self.pos_emb(pos)
        h = self.encoder(x, src_key_padding_mask=batch["key_pad"])
        last = self.norm(h[:, -1])
        return last @ self.item_emb.weight.T


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--items", type=int, default=120)
    ap.add_argument("--max-len", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-3)
    args = ap.parse_args(argv)
    torch.manual_seed(0)

    log = synth_transactions(args.users, args.items, seed=3)
    vocabs = build_vocabs(log)
    hist = user_histories(log, vocabs)
    print(f"{len(vocabs.users)} users, {len(vocabs.items)} items, {len(log)} transactions")

    model: NextItemModel = SelfAttentiveRec(vocabs.n_items, args.max_len)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        model.train()
        total, steps = 0.0, 0
        for examples in batched(windows(hist, args.max_len), args.batch_size):
            batch = make_batch(examples)
            loss = nn.functional.cross_entropy(model(batch), batch["target"], ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, steps = total + loss.item(), steps + 1
        print(f"epoch {epoch}: loss {total / steps:.4f}")

    model.eval()
    with torch.no_grad():
        sample = [(pad_to(seq, args.max_len), seq[-1]) for seq in list(hist.values())[:5]]
        recs = model(make_batch(sample)).topk(5, dim=-1).indices
    for row in recs.tolist():
        print([vocabs.items[i - 1] for i in row if i != PAD])


if __name__ == "__main__":
    main(["--users", "300", "--items", "120", "--max-len", "20", "--epochs", "2"])
