import bisect
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, random_split

CFG = {
    "seed": 11,
    "n_patterns": 480,
    "two_theta_range": (10.0, 80.0),
    "n_points": 1400,
    "wavelength": 1.5406,      # Cu K-alpha, Angstrom
    "n_classes": 7,
    "batch_size": 32,
    "epochs": 3,
    "lr": 1e-3,
    "val_frac": 0.2,
}

CRYSTAL_SYSTEMS = ["triclinic", "monoclinic", "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic"]
# last space-group number belonging to each crystal system (International Tables)
SYSTEM_UPPER_SG = [2, 15, 74, 142, 167, 194, 230]

# space groups that show up most often in ICSD-like collections, with rough frequencies
COMMON_SG = {14: 0.20, 15: 0.08, 2: 0.10, 62: 0.08, 61: 0.04, 19: 0.05, 225: 0.06, 227: 0.04,
             221: 0.03, 230: 0.03, 139: 0.04, 141: 0.03, 166: 0.05, 167: 0.03, 194: 0.05,
             186: 0.03, 12: 0.03, 33: 0.03}


def crystal_system_index(space_group):
    if not 1 <= space_group <= 230:
        raise ValueError(f"invalid space group {space_group}")
    return bisect.bisect_right(SYSTEM_UPPER_SG, space_group)


def d_spacings(space_group, rng, n_refl=40):
    """Very rough d-spacings: higher symmetry -> fewer distinct reflections."""
    a = rng.uniform(3.5, 12.0)
    if space_group >= 195:
        b = c = a
    elif space_group >= 75:
        b, c = a, rng.uniform(3.5, 14.0)
    else:
        b, c = rng.uniform(3.5, 12.0), rng.uniform(3.5, 14.0)
    hkl = rng.integers(0, 5, size=(n_refl, 3))
    hkl = hkl[hkl.sum(1) > 0]
    inv_d2 = (hkl[:, 0] / a) ** 2 + (hkl[:, 1] / b) ** 2 + (hkl[:, 2] / c) ** 2
    return np.unique(np.round(1.0 / np.sqrt(inv_d2), 3))


def simulate_pattern(space_group, rng, cfg):
    lo, hi = cfg["two_theta_range"]
    two_theta = np.linspace(lo, hi, cfg["n_points"])
    pattern = np.zeros_like(two_theta)
    for d in d_spacings(space_group, rng):
        s = cfg["wavelength"] / (2 * d)
        if s >= 1:
            continue
        peak = 2 * math.degrees(math.asin(s))
        if lo < peak < hi:
            fwhm = rng.uniform(0.08, 0.25)
            pattern += rng.uniform(0.1, 1.0) * np.exp(-4 * math.log(2) * (two_theta - peak) ** 2 / fwhm ** 2)
    pattern += 0.02 * rng.random(cfg["n_points"]) + 0.05 * np.exp(-(two_theta - lo) / 15)
    return pattern / pattern.max()


def build_dataset(cfg):
    rng = np.random.default_rng(cfg["seed"])
    sgs = list(COMMON_SG)
    probs = np.array([COMMON_SG[s] for s in sgs])
    chosen = rng.choice(sgs, size=cfg["n_patterns"], p=probs / probs.sum())
    X = np.stack([simulate_pattern(int(sg), rng, cfg) for sg in chosen]).astype(np.float32)
    y = np.array([crystal_system_index(int(sg)) for sg in chosen], dtype=np.int64)
    return TensorDataset(torch.from_numpy(X).unsqueeze(1), torch.from_numpy(y))


def build_model(cfg):
    return nn.Sequential(
        nn.Conv1d(1, 16, kernel_size=15, padding=7), nn.BatchNorm1d(16), nn.ReLU(), nn.MaxPool1d(4),
        nn.Conv1d(16, 32, kernel_size=9, padding=4), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(4),
        nn.Conv1d(32, 32, kernel_size=5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(8),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(32 * 8, cfg["n_classes"]),
    )


def train_one_epoch(model, loader, opt):
    model.train()
    total, n = 0.0, 0
    for xb, yb in loader:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
        n += len(yb)
    return total / n


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = n = 0
    for xb, yb in loader:
        correct += (model(xb).argmax(1) == yb).sum().item()
        n += len(yb)
    return correct / n


def main(cfg):
    torch.manual_seed(cfg["seed"])
    ds = build_dataset(cfg)
    n_val = int(len(ds) * cfg["val_frac"])
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])
    counts = np.bincount(ds.tensors[1].numpy(), minlength=cfg["n_classes"])
    print("class counts:", dict(zip(CRYSTAL_SYSTEMS, counts.tolist())))

    model = build_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        tr_loss = train_one_epoch(model, train_dl, opt)
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch + 1}/{cfg['epochs']}  loss {tr_loss:.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main(CFG)
