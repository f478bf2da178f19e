"""NOTAM category classifier (runway / navaid / airspace / obstacle / aerodrome).

Small from-scratch encoder baseline for Table 3; pooling variants toggled with --pooling.
"""
import argparse
import functools
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------- utils
PAD, UNK, CLS = 0, 1, 2


def tokenize(s):
    return s.lower().replace("/", " / ").replace(".", " ").split()


def build_vocab(texts, min_freq=1):
    cnt = Counter(w for t in texts for w in tokenize(t))
    itos = ["<pad>", "<unk>", "<cls>"] + sorted(w for w, c in cnt.items() if c >= min_freq)
    return {w: i for i, w in enumerate(itos)}


def masked_mean(h, w):
    return torch.einsum("bsd,bs->bd", h, w) / w.sum(1, keepdim=True).clamp_min(1.0)


def additive_attn_pool(h, w, proj, v):
    e = torch.einsum("bsd,d->bs", torch.tanh(proj(h)), v)
    e = e.masked_fill(w == 0, -1e4)
    return torch.einsum("bs,bsd->bd", e.softmax(-1), h)


@dataclass
class Batch:
    ids: torch.Tensor
    valid: torch.Tensor
    y: torch.Tensor


def collate(rows, vocab, max_len):
    seqs = [[CLS] + [vocab.get(w, UNK) for w in tokenize(t)][: max_len - 1] for t, _ in rows]
    L = max(map(len, seqs))
    ids = torch.tensor([s + [PAD] * (L - len(s)) for s in seqs])
    return Batch(ids=ids, valid=(ids != PAD).long(), y=torch.tensor([c for _, c in rows]))


def batches(rows, bsz, fn, shuffle=True):
    rows = list(rows)
    if shuffle:
        random.shuffle(rows)
    for i in range(0, len(rows), bsz):
        yield fn(rows[i:i + bsz])


# ---------------------------------------------------------------------------- model
class NotamEncoder(nn.Module):
    def __init__(self, n_vocab, n_cls, d=32, heads=2, layers=1, ff=64, max_len=48, pooling="cls"):
        super().__init__()
        self.tok = nn.Embedding(n_vocab, d, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.pooling = pooling
        self.att_proj, self.att_v = nn.Linear(d, d), nn.Parameter(torch.randn(d) * 0.1)
        self.cls = nn.Linear(d, n_cls)

    def forward(self, ids, valid):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) + self.pos(pos)[None]
        h = self.enc(h, src_key_padding_mask=valid == 0)
        w = valid.to(h.dtype)
        if self.pooling == "cls":
            z = h[:, 0]
        elif self.pooling == "mean":
            z = masked_mean(h, w)
        else:
            z = additive_attn_pool(h, w, self.att_proj, self.att_v)
        return self.cls(z)


NOTAMS = [
    ("RWY 09/27 CLSD DUE TO WIP", 0), ("RWY 18L THR DISPLACED 300M", 0),
    ("VOR ABC U/S", 1), ("ILS RWY 27 GP U/S UNTIL FURTHER NOTICE", 1),
    ("TEMPO RESTRICTED AREA R123 ACT SFC-FL095", 2), ("DANGER AREA D45 ACT", 2),
    ("CRANE ERECTED 1NM E OF ARP HGT 250FT LGT", 3), ("OBST LGT U/S ON MAST", 3),
    ("AD HR OF OPS CHANGED 0600-2200", 4), ("APRON STAND 12 CLSD", 4),
]
CATS = ["runway", "navaid", "airspace", "obstacle", "aerodrome"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--d_model", type=int, default=32)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--ff", type=int, default=64)
    p.add_argument("--max_len", type=int, default=48)
    p.add_argument("--pooling", choices=["cls", "mean", "attn"], default="attn")
    p.add_argument("--bsz", type=int, default=4)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def main():
    args = get_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    vocab = build_vocab([t for t, _ in NOTAMS])
    fn = functools.partial(collate, vocab=vocab, max_len=args.max_len)
    model = NotamEncoder(len(vocab), len(CATS), args.d_model, args.heads, args.layers,
                         args.ff, args.max_len, args.pooling)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    print(f"vocab={len(vocab)} pooling={args.pooling}")
    for ep in range(args.epochs):
        model.train()
        seen, run = 0, 0.0
        for b in batches(NOTAMS, args.bsz, fn):
            loss = F.cross_entropy(model(b.ids, b.valid), b.y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            opt.step()
            seen, run = seen + len(b.y), run + loss.item() * len(b.y)
        print(f"epoch {ep}: loss {run / seen:.4f}")


if __name__ == "__main__":
    main()
