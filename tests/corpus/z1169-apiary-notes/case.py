"""Hive-status classifier for beekeepers' inspection notes.

Small BERT-style encoder written from scratch, with T5-style relative position bias instead of
absolute position embeddings, trained for a few steps on inline notes.
"""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS, HEADS, COLLATORS = {}, {}, {}


def register_model(name):
    return lambda fn: MODELS.setdefault(name, fn)


def register_head(name):
    return lambda fn: HEADS.setdefault(name, fn)


def register_collator(name):
    return lambda fn: COLLATORS.setdefault(name, fn)


CFG = {
    "model": {"type": "relbias_encoder", "args": {"dim": 32, "n_heads": 4, "n_layers": 2, "max_rel_distance": 8}},
    "head": {"type": "mean_pool_cls", "args": {"n_classes": 4}},
    "collator": {"type": "pad_right", "args": {"pad_id": 0}},
    "data": {"batch_size": 3, "steps": 6},
}

STATUS = ["healthy", "queenless", "swarm_prep", "varroa"]
NOTES = [
    ("brood pattern solid queen seen on frame four plenty of stores", 0),
    ("no eggs no young larvae bees roaring and agitated on the comb", 1),
    ("several capped queen cells along the bottom bars congested brood nest", 2),
    ("deformed wings on emerging workers mite drop high on the board", 3),
    ("calm colony good laying pattern pollen coming in", 0),
    ("emergency cells on the face of the comb no queen found", 1),
    ("backfilling brood frames with nectar play cups charged", 2),
    ("spotty brood and crawling bees with stubby wings", 3),
]


@dataclass
class Batch:
    ids: torch.Tensor
    keep: torch.Tensor
    status: torch.Tensor


def encode(text, vocab):
    return [vocab.setdefault(w, len(vocab)) for w in text.split()]


@register_collator("pad_right")
def pad_right(pad_id=0):
    def collate(rows):
        width = max(len(r[0]) for r in rows)
        ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
        for i, (toks, _) in enumerate(rows):
            ids[i, :len(toks)] = torch.tensor(toks)
        return Batch(ids, ids != pad_id, torch.tensor([r[1] for r in rows]))
    return collate


class RelativeBias(nn.Module):
    def __init__(self, n_heads, max_distance):
        super().__init__()
        self.max_distance = max_distance
        self.table = nn.Embedding(2 * max_distance + 1, n_heads)

    def forward(self, length):
        pos = torch.arange(length, device=self.table.weight.device)
        offsets = (pos[None, :] - pos[:, None]).clamp(-self.max_distance, self.max_distance)
        return self.table(offsets).permute(2, 0, 1)  # heads, q, k


class Block(nn.Module):
    def __init__(self, dim, n_heads):
        super().__init__()
        self.n_heads, self.d_head = n_heads, dim // n_heads
        self.qkv, self.out = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x, bias, keep):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.n_heads, self.d_head).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d_head) + bias
        scores = scores.masked_fill(~keep[:, None, None, :], float("-inf"))
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.ff(x))


@register_model("relbias_encoder")
class RelBiasEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, n_heads=4, n_layers=2, max_rel_distance=16):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rel = RelativeBias(n_heads, max_rel_distance)
        self.blocks = nn.ModuleList(Block(dim, n_heads) for _ in range(n_layers))

    def forward(self, ids, keep):
        x, bias = self.embed(ids), self.rel(ids.size(1))
        for blk in self.blocks:
            x = blk(x, bias, keep)
        return x


@register_head("mean_pool_cls")
class MeanPoolHead(nn.Module):
    def __init__(self, dim, n_classes=4):
        super().__init__()
        self.fc = nn.Linear(dim, n_classes)

    def forward(self, states, keep):
        w = keep.unsqueeze(-1).float()
        return self.fc((states * w).sum(1) / w.sum(1))


def instantiate(registry, spec, **extra):
    return registry[spec["type"]](**{**spec["args"], **extra})


def main():
    torch.manual_seed(0)
    random.seed(0)
    vocab = {"<pad>": 0}
    rows = [(encode(t, vocab), y) for t, y in NOTES]
    encoder = instantiate(MODELS, CFG["model"], vocab_size=len(vocab))
    head = instantiate(HEADS, CFG["head"], dim=CFG["model"]["args"]["dim"])
    collate = instantiate(COLLATORS, CFG["collator"])
    opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=1e-3)
    print(f"vocab={len(vocab)} notes={len(rows)} classes={STATUS}")

    for step in range(CFG["data"]["steps"]):
        batch = collate(random.sample(rows, CFG["data"]["batch_size"]))
        logits = head(encoder(batch.ids, batch.keep), batch.keep)
        loss = F.cross_entropy(logits, batch.status)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
