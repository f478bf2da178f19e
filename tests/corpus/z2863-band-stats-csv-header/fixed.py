"""Two-stage pipeline: (1) compute per-band statistics over a synthetic archive and export them,
(2) reload the exported statistics, normalise tiles and fit a tiny ViT crop-type classifier."""
import csv
import os
import types

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))

opts = types.SimpleNamespace(
    seed=21,
    band_names=["blue", "green", "red", "red_edge", "nir", "swir1"],
    n_scenes=3,
    scene_px=96,
    tile_px=32,
    patch_px=8,
    embed_dim=40,
    n_heads=4,
    n_blocks=2,
    n_crops=3,
    batch_size=8,
    epochs=2,
    lr=2e-3,
    stats_path=os.path.join(HERE, "band_stats.csv"),
)


# ---------------------------------------------------------------- utils
def fake_archive(rng, n, bands, px):
    scale = np.array([900, 1100, 1200, 1900, 3200, 2400], dtype=np.float32)[:bands]
    return [rng.gamma(3.0, 1.0, size=(bands, px, px)).astype(np.float32) * scale[:, None, None] / 3.0
            for _ in range(n)]


def export_band_stats(scenes, names, path):
    stack = np.concatenate([s.reshape(s.shape[0], -1) for s in scenes], axis=1)
    with open(path, "w") as fh:
        fh.write(", ".join(["band", "mean", "std", "p99"]) + "\n")
        for name, row in zip(names, stack):
            fh.write(", ".join([name, f"{row.mean():.3f}", f"{row.std():.3f}",
                                f"{np.percentile(row, 99):.3f}"]) + "\n")


def load_band_stats(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh, skipinitialspace=True))
    return {r["band"]: (float(r["mean"]), float(r["std"]), float(r["p99"])) for r in rows}


def normalise(scene, stats, names):
    mean = np.array([stats[n][0] for n in names], dtype=np.float32)[:, None, None]
    std = np.array([stats[n][1] for n in names], dtype=np.float32)[:, None, None]
    cap = np.array([stats[n][2] for n in names], dtype=np.float32)[:, None, None]
    return (np.minimum(scene, cap) - mean) / std


def cut(scene, px):
    b, h, w = scene.shape
    g = scene.reshape(b, h // px, px, w // px, px).transpose(1, 3, 0, 2, 4)
    return g.reshape(-1, b, px, px)


# ---------------------------------------------------------------- model
class TinyViT(nn.Module):
    def __init__(self, o):
        super().__init__()
        n = (o.tile_px // o.patch_px) ** 2
        self.patchify = nn.Conv2d(len(o.band_names), o.embed_dim, o.patch_px, stride=o.patch_px)
        self.pos = nn.Parameter(torch.zeros(1, n, o.embed_dim))
        nn.init.trunc_normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList([
            nn.TransformerEncoderLayer(o.embed_dim, o.n_heads, 2 * o.embed_dim, 0.0, batch_first=True)
            for _ in range(o.n_blocks)
        ])
        self.out = nn.Linear(o.embed_dim, o.n_crops)

    def forward(self, x):
        h = self.patchify(x).flatten(2).transpose(1, 2) + self.pos
        for blk in self.blocks:
            h = blk(h)
        return self.out(h.mean(1))


def fit(model, loader, o):
    opt = torch.optim.SGD(model.parameters(), lr=o.lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for ep in range(o.epochs):
        running = []
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {ep} mean loss {np.mean(running):.4f}")


def main(o):
    rng = np.random.default_rng(o.seed)
    torch.manual_seed(o.seed)
    scenes = fake_archive(rng, o.n_scenes, len(o.band_names), o.scene_px)
    export_band_stats(scenes, o.band_names, o.stats_path)

    stats = load_band_stats(o.stats_path)
    tiles = np.concatenate([cut(normalise(s, stats, o.band_names), o.tile_px) for s in scenes])
    labels = rng.integers(0, o.n_crops, size=len(tiles))
    ds = TensorDataset(torch.from_numpy(tiles), torch.from_numpy(labels).long())
    loader = DataLoader(ds, batch_size=o.batch_size, shuffle=True)
    fit(TinyViT(o), loader, o)


if __name__ == "__main__":
    main(opts)
