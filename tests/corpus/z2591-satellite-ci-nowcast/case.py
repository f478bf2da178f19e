# Convective-initiation nowcast from geostationary IR/WV brightness temperatures.
# Tiles of 6 ABI channels (water vapour + IR window) -> P(CI within 30 min).
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
STATS_PATH = os.path.join(HERE, "abi_band_stats.json")

ALL_BANDS = [f"C{i:02d}" for i in range(1, 17)]
BANDS = ["C08", "C09", "C10", "C13", "C14", "C15"]
TILE = 24
N_TRAIN, N_VAL = 256, 64
BATCH = 32
EPOCHS = 3
LR = 1e-3

rng = np.random.default_rng(42)
torch.manual_seed(42)

# rough climatological BT / reflectance factor per band (visible/NIR in reflectance, IR in K)
CLIM = {
    "C01": (0.25, 0.18), "C02": (0.22, 0.20), "C03": (0.30, 0.20), "C04": (0.05, 0.06),
    "C05": (0.15, 0.10), "C06": (0.08, 0.06), "C07": (280.0, 15.0), "C08": (233.0, 8.0),
    "C09": (243.0, 10.0), "C10": (252.0, 12.0), "C11": (270.0, 20.0), "C12": (250.0, 12.0),
    "C13": (272.0, 22.0), "C14": (271.0, 22.0), "C15": (268.0, 21.0), "C16": (258.0, 16.0),
}


def write_band_stats(path):
    stats = {b: {"mean": m, "std": s} for b, (m, s) in CLIM.items()}
    with open(path, "w") as fh:
        json.dump({"source": "ABI L1b CONUS 2022 JJA", "bands": stats}, fh, indent=1)


def load_band_stats(path):
    with open(path) as fh:
        bands = json.load(fh)["bands"]
    order = sorted(bands)
    mean = torch.tensor([bands[b]["mean"] for b in order], dtype=torch.float32)
    std = torch.tensor([bands[b]["std"] for b in order], dtype=torch.float32)
    return mean, std


def synth_tiles(n):
    """Cooling cloud tops in the IR window + moistening in WV channels for CI cases."""
    x = np.empty((n, len(BANDS), TILE, TILE), dtype=np.float32)
    y = rng.random(n) < 0.35
    yy, xx = np.mgrid[0:TILE, 0:TILE]
    for i in range(n):
        cx, cy = rng.uniform(6, TILE - 6, size=2)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * rng.uniform(2, 5) ** 2))
        cooling = rng.uniform(25, 55) if y[i] else rng.uniform(0, 12)
        for c, b in enumerate(BANDS):
            m, s = CLIM[b]
            field = m + rng.normal(0, 0.3 * s, size=(TILE, TILE))
            x[i, c] = field - cooling * blob * (1.0 if b >= "C13" else 0.4)
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.float32))


def normalise(bt, mean, std):
    return (bt - mean[None, :, None, None]) / std[None, :, None, None]


def build_model(n_ch):
    return nn.Sequential(
        nn.Conv2d(n_ch, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1, stride=2), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1, stride=2), nn.BatchNorm2d(64), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 1),
    )


def batches(x, y, bs, shuffle):
    idx = torch.randperm(len(x)) if shuffle else torch.arange(len(x))
    for s in range(0, len(x), bs):
        j = idx[s:s + bs]
        yield x[j], y[j]


def brier_and_csi(p, y, thr=0.5):
    brier = ((p - y) ** 2).mean().item()
    yes = p >= thr
    hits = (yes & (y == 1)).sum().item()
    fa = (yes & (y == 0)).sum().item()
    miss = (~yes & (y == 1)).sum().item()
    return brier, hits / max(hits + fa + miss, 1)


if not os.path.exists(STATS_PATH):
    write_band_stats(STATS_PATH)
band_mean, band_std = load_band_stats(STATS_PATH)

x_tr, y_tr = synth_tiles(N_TRAIN)
x_va, y_va = synth_tiles(N_VAL)
x_tr = normalise(x_tr, band_mean, band_std)
x_va = normalise(x_va, band_mean, band_std)

model = build_model(len(BANDS))
opt = torch.optim.Adam(model.parameters(), lr=LR)
pos_weight = torch.tensor([(1 - y_tr.mean()) / y_tr.mean()])

for epoch in range(EPOCHS):
    model.train()
    for xb, yb in batches(x_tr, y_tr, BATCH, shuffle=True):
        loss = F.binary_cross_entropy_with_logits(model(xb).squeeze(1), yb, pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(x_va).squeeze(1))
    brier, csi = brier_and_csi(p, y_va)
    print(f"epoch {epoch}: loss {loss.item():.3f} val brier {brier:.3f} csi {csi:.3f}")
