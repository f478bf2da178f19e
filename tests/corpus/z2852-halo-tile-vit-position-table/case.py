import math
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

settings = types.SimpleNamespace(
    seed=7,
    scene_hw=(256, 256),
    n_bands=6,
    tile=64,
    halo=8,
    patch=8,
    dim=48,
    heads=4,
    depth=2,
    n_classes=5,
    batch_size=8,
    epochs=2,
    lr=3e-4,
)

# ---------------------------------------------------------------- utils
def synth_scene(rng, hw, bands, n_classes):
    h, w = hw
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    labels = ((np.sin(xx / 23.0) + np.cos(yy / 31.0) + 2.0) * n_classes / 4.0).astype(np.int64)
    labels = np.clip(labels, 0, n_classes - 1)
    base = rng.normal(0.0, 1.0, size=(bands, 1, 1)).astype(np.float32)
    refl = base * 300.0 + 1200.0 + labels[None] * 150.0
    refl = refl + rng.normal(0.0, 40.0, size=(bands, h, w)).astype(np.float32)
    return refl.astype(np.float32), labels


def band_stats(cube):
    flat = cube.reshape(cube.shape[0], -1)
    lo = np.percentile(flat, 2, axis=1)
    hi = np.percentile(flat, 98, axis=1)
    return lo.astype(np.float32), hi.astype(np.float32)


def normalise(cube, lo, hi):
    out = (cube - lo[:, None, None]) / (hi - lo + 1e-6)[:, None, None]
    return np.clip(out, 0.0, 1.0)


def cut_tiles(cube, labels, tile, halo):
    padded = np.pad(cube, ((0, 0), (halo, halo), (halo, halo)), mode="reflect")
    chips, targets = [], []
    _, h, w = cube.shape
    for r in range(0, h - tile + 1, tile):
        for c in range(0, w - tile + 1, tile):
            chips.append(padded[:, r:r + tile + 2 * halo, c:c + tile + 2 * halo])
            lab = labels[r:r + tile, c:c + tile]
            targets.append(np.bincount(lab.ravel(), minlength=settings.n_classes).argmax())
    return np.stack(chips), np.array(targets)


# ---------------------------------------------------------------- model
class PatchTokenizer(nn.Module):
    def __init__(self, in_ch, patch, dim):
        super().__init__()
        self.patch = patch
        self.proj = nn.Linear(in_ch * patch * patch, dim)

    def forward(self, x):
        cols = F.unfold(x, kernel_size=self.patch, stride=self.patch)
        return self.proj(cols.transpose(1, 2))


class TileViT(nn.Module):
    def __init__(self, cfg, max_tokens):
        super().__init__()
        self.tokens = PatchTokenizer(cfg.n_bands, cfg.patch, cfg.dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos = nn.Embedding(max_tokens, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, cfg.dim * 2,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.depth)
        self.norm = nn.LayerNorm(cfg.dim)
        self.head = nn.Linear(cfg.dim, cfg.n_classes)

    def forward(self, x):
        t = self.tokens(x)
        t = torch.cat([self.cls.expand(t.size(0), -1, -1), t], dim=1)
        idx = torch.arange(t.size(1), device=t.device)
        t = t + self.pos(idx)[None]
        t = self.encoder(t)
        return self.head(self.norm(t[:, 0]))


def batches(x, y, bs, rng):
    order = rng.permutation(len(x))
    for i in range(0, len(order), bs):
        sel = order[i:i + bs]
        yield torch.from_numpy(x[sel]), torch.from_numpy(y[sel])


# ---------------------------------------------------------------- main
def main():
    rng = np.random.default_rng(settings.seed)
    torch.manual_seed(settings.seed)

    cube, labels = synth_scene(rng, settings.scene_hw, settings.n_bands, settings.n_classes)
    lo, hi = band_stats(cube)
    cube = normalise(cube, lo, hi).astype(np.float32)
    chips, targets = cut_tiles(cube, labels, settings.tile, settings.halo)
    print(f"cut {len(chips)} chips of shape {chips.shape[1:]}")

    grid = settings.tile // settings.patch
    max_tokens = grid * grid + 1
    model = TileViT(settings, max_tokens)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.05)

    n_steps = settings.epochs * math.ceil(len(chips) / settings.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n_steps)

    for epoch in range(settings.epochs):
        model.train()
        running, seen = 0.0, 0
        for xb, yb in batches(chips, targets, settings.batch_size, rng):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item() * len(yb)
            seen += len(yb)
        print(f"epoch {epoch}: loss {running / seen:.4f}")

    model.eval()
    with torch.no_grad():
        preds = torch.cat([model(xb).argmax(1) for xb, _ in batches(chips, targets, 16, rng)])
    print("pred histogram:", np.bincount(preds.numpy(), minlength=settings.n_classes))


if __name__ == "__main__":
    main()
