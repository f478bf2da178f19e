"""Tropical-cyclone intensity category from storm-centred ERA5-like fields.

Each sample is a 32x32 (0.25 deg) box centred on the best-track position with five
channels stacked: u850, v850, mslp, total column water vapour and SST.  A small
transformer over 8x8 patch embeddings predicts the Saffir-Simpson category derived
from the best-track maximum sustained wind.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

CHANNELS = ["u850", "v850", "mslp", "tcwv", "sst"]
BOX = 32
PATCH = 8
EMBED = 48

# lower bound of each hurricane category, 1-minute sustained wind in m/s
SAFFIR_SIMPSON_MS = {"cat1": 33.0, "cat2": 43.0, "cat3": 50.0, "cat4": 58.0, "cat5": 70.0}


def synth_storms(n):
    """Idealised Rankine-like vortices whose strength follows the best-track vmax."""
    vmax = 18.0 + 62.0 * torch.rand(n)
    rmw = 3.0 + 4.0 * torch.rand(n)
    ax = torch.arange(BOX).float() - BOX / 2 + 0.5
    yy, xx = torch.meshgrid(ax, ax, indexing="ij")
    r = torch.sqrt(yy ** 2 + xx ** 2)[None]
    rmw_ = rmw[:, None, None]
    vt = torch.where(r < rmw_, vmax[:, None, None] * r / rmw_,
                     vmax[:, None, None] * (rmw_ / r) ** 0.6)
    u = -vt * yy / (r + 1e-3)
    v = vt * xx / (r + 1e-3)
    mslp = 1010.0 - 0.9 * vmax[:, None, None] * torch.exp(-r / (2 * rmw_))
    tcwv = 45.0 + 0.3 * vt
    sst = 28.0 + 0.5 * torch.randn(n, 1, 1).expand(n, BOX, BOX)
    fields = torch.stack([u, v, mslp, tcwv, sst], dim=1)
    fields = fields + 0.5 * torch.randn_like(fields)
    return fields, vmax


def standardise(fields, stats=None):
    if stats is None:
        stats = fields.mean(dim=(0, 2, 3), keepdim=True), fields.std(dim=(0, 2, 3), keepdim=True)
    mean, std = stats
    return (fields - mean) / std, stats


def category_from_vmax(vmax):
    edges = torch.tensor(list(SAFFIR_SIMPSON_MS.values()))
    return torch.bucketize(vmax, edges, right=True)


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, kernel_size=patch, stride=patch)
        n_patches = (BOX // patch) ** 2
        self.pos = nn.Parameter(torch.zeros(1, n_patches, dim))
        nn.init.trunc_normal_(self.pos, std=0.02)

    def forward(self, x):
        tokens = self.proj(x).flatten(2).transpose(1, 2)
        return tokens + self.pos


class StormViT(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.embed = PatchEmbed(len(CHANNELS), EMBED, PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, EMBED))
        layer = nn.TransformerEncoderLayer(EMBED, nhead=4, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.norm = nn.LayerNorm(EMBED)
        self.head = nn.Linear(EMBED, n_classes)

    def forward(self, x):
        tok = self.embed(x)
        tok = torch.cat([self.cls.expand(tok.shape[0], -1, -1), tok], dim=1)
        return self.head(self.norm(self.encoder(tok)[:, 0]))


def main():
    fields, vmax = synth_storms(256)
    fields, stats = standardise(fields)
    cats = category_from_vmax(vmax)
    print("category counts:", torch.bincount(cats).tolist())

    n_train = 200
    x_tr, y_tr = fields[:n_train], cats[:n_train]
    x_va, y_va = fields[n_train:], cats[n_train:]

    n_categories = len(SAFFIR_SIMPSON_MS) + 1
    model = StormViT(n_categories)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    steps_per_epoch = math.ceil(n_train / 32)

    for epoch in range(3):
        model.train()
        order = torch.randperm(n_train)
        running = 0.0
        for i in range(steps_per_epoch):
            idx = order[i * 32:(i + 1) * 32]
            logits = model(x_tr[idx])
            loss = F.cross_entropy(logits, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()

        model.eval()
        with torch.no_grad():
            pred = model(x_va).argmax(-1)
        acc = (pred == y_va).float().mean().item()
        within_one = ((pred - y_va).abs() <= 1).float().mean().item()
        print(f"epoch {epoch}: loss {running / steps_per_epoch:.3f}  "
              f"acc {acc:.3f}  within-one-category {within_one:.3f}")


if __name__ == "__main__":
    main()
