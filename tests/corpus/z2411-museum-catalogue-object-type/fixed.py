"""Object-type suggestion for the museum collections backlog.

Combines the free-text catalogue description with the recorded dimensions to
suggest an object type for records that were never classified.
"""
import json
import os
import random
import re
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

EXPORT_NUMERIC = ["height_mm", "width_mm", "depth_mm", "weight_g", "acquisition_year"]


@dataclass
class CatalogueConfig:
    object_types: list = field(default_factory=lambda: ["ceramic vessel", "coin", "textile", "tool", "figurine"])
    numeric_fields: list = field(default_factory=lambda: ["height_mm", "width_mm", "depth_mm", "weight_g"])
    stats_path: str = os.path.join(HERE, "numeric_stats.json")
    embed_dim: int = 24
    hidden: int = 32
    min_count: int = 2
    batch_size: int = 32
    epochs: int = 3
    lr: float = 5e-3
    seed: int = 11


TEMPLATES = {
    "ceramic vessel": "{adj} earthenware jar with {part} rim, wheel made, {col} slip",
    "coin": "{adj} bronze coin, obverse bust, reverse legend worn, {col} patina",
    "textile": "{adj} woven linen fragment with {col} border and {part} fringe",
    "tool": "{adj} iron blade with tang, {part} edge, {col} corrosion",
    "figurine": "{adj} terracotta figurine of standing female, {part} base, {col} paint traces",
}
SIZES = {"ceramic vessel": (180, 140, 140, 900), "coin": (20, 20, 2, 6),
         "textile": (300, 220, 1, 40), "tool": (160, 30, 8, 120), "figurine": (120, 45, 35, 160)}


def make_catalogue(cfg, n=300):
    rnd = random.Random(cfg.seed)
    rows = []
    for i in range(n):
        t = rnd.choice(cfg.object_types)
        desc = TEMPLATES[t].format(adj=rnd.choice(["small", "fragmentary", "complete", "large"]),
                                   part=rnd.choice(["plain", "everted", "rounded", "notched"]),
                                   col=rnd.choice(["red", "black", "buff", "green"]))
        h, w, d, g = (v * rnd.uniform(0.6, 1.4) for v in SIZES[t])
        rows.append({"accession": f"1931.{i:04d}", "description": desc, "object_type": t,
                     "height_mm": h, "width_mm": w, "depth_mm": d, "weight_g": g,
                     "acquisition_year": rnd.randint(1880, 1995)})
    return rows


def export_numeric_stats(rows, columns, path):
    mat = np.array([[r[c] for c in columns] for r in rows], dtype=np.float32)
    mat = np.log1p(mat)
    with open(path, "w") as fh:
        json.dump({"mean": mat.mean(0).tolist(), "std": mat.std(0).tolist()}, fh)


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


def build_vocab(rows, min_count):
    counts = {}
    for r in rows:
        for tok in tokenize(r["description"]):
            counts[tok] = counts.get(tok, 0) + 1
    vocab = {"<unk>": 0}
    for tok, c in sorted(counts.items()):
        if c >= min_count:
            vocab[tok] = len(vocab)
    return vocab


def batchify(rows, vocab, cfg):
    flat, offsets = [], []
    for r in rows:
        offsets.append(len(flat))
        flat.extend(vocab.get(t, 0) for t in tokenize(r["description"]))
    dims = np.log1p(np.array([[r[c] for c in cfg.numeric_fields] for r in rows], dtype=np.float32))
    y = [cfg.object_types.index(r["object_type"]) for r in rows]
    return torch.tensor(flat), torch.tensor(offsets), torch.from_numpy(dims), torch.tensor(y)


class CatalogueTypeModel(nn.Module):
    def __init__(self, vocab_size, cfg, stats):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, cfg.embed_dim, mode="mean")
        self.register_buffer("dim_mean", torch.tensor(stats["mean"]))
        self.register_buffer("dim_std", torch.tensor(stats["std"]))
        self.dim_proj = nn.Linear(len(cfg.numeric_fields), cfg.embed_dim)
        self.mlp = nn.Sequential(nn.Linear(2 * cfg.embed_dim, cfg.hidden), nn.ReLU(),
                                 nn.Linear(cfg.hidden, len(cfg.object_types)))

    def forward(self, tokens, offsets, dims):
        text_vec = self.bag(tokens, offsets)
        dims = (dims - self.dim_mean) / self.dim_std
        dim_vec = F.relu(self.dim_proj(dims))
        return self.mlp(torch.cat([text_vec, dim_vec], dim=1))


def main(cfg):
    torch.manual_seed(cfg.seed)
    rows = make_catalogue(cfg)
    export_numeric_stats(rows, cfg.numeric_fields, cfg.stats_path)
    with open(cfg.stats_path) as fh:
        stats = json.load(fh)

    vocab = build_vocab(rows, cfg.min_count)
    model = CatalogueTypeModel(len(vocab), cfg, stats)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    order = list(range(len(rows)))
    for epoch in range(cfg.epochs):
        random.Random(cfg.seed + epoch).shuffle(order)
        losses = []
        for i in range(0, len(order), cfg.batch_size):
            chunk = [rows[j] for j in order[i:i + cfg.batch_size]]
            tokens, offsets, dims, y = batchify(chunk, vocab, cfg)
            loss = F.cross_entropy(model(tokens, offsets, dims), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {np.mean(losses):.3f}")


if __name__ == "__main__":
    main(CatalogueConfig())
