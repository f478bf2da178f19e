"""Multi-label functional-group detection from FTIR spectra exported by the lab instruments.

The script first materialises a small synthetic export (one CSV per measurement plus a
manifest) into ./ir_export, then trains a 1-D CNN on it.
"""
import csv
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from torch.utils.data.dataloader import default_collate

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = {
    "export_dir": os.path.join(HERE, "ir_export"),
    "n_samples": 180,
    "grid": (650.0, 4000.0, 336),
    "groups": ["O-H", "N-H", "C#N", "C=O", "aromatic C=C", "C-O"],
    "batch_size": 24,
    "lr": 3e-3,
    "epochs": 4,
    "val_frac": 0.25,
    "threshold": 0.5,
}
# characteristic band centres (cm^-1) and widths
BANDS = {"O-H": (3350, 120), "N-H": (3300, 40), "C#N": (2240, 15), "C=O": (1715, 20),
         "aromatic C=C": (1600, 12), "C-O": (1100, 30)}
WAVENUMBERS = np.linspace(*CFG["grid"])


def write_synthetic_export(cfg, seed=3):
    rng = np.random.default_rng(seed)
    os.makedirs(cfg["export_dir"], exist_ok=True)
    manifest = []
    for k in range(cfg["n_samples"]):
        present = rng.random(len(cfg["groups"])) < 0.35
        absorb = 0.02 + 0.01 * rng.standard_normal(WAVENUMBERS.shape)
        for g, on in zip(cfg["groups"], present):
            if on:
                c, w = BANDS[g]
                absorb += rng.uniform(0.3, 1.0) * np.exp(-0.5 * ((WAVENUMBERS - c - rng.normal(0, 8)) / w) ** 2)
        fname = f"FTIR_{k:04d}.csv"
        with open(os.path.join(cfg["export_dir"], fname), "w") as fh:
            fh.write("wavenumber_cm-1,absorbance\n")
            # instrument occasionally aborts the export after the header line
            if k % 29 != 28:
                np.savetxt(fh, np.column_stack([WAVENUMBERS, absorb]), delimiter=",", fmt="%.5f")
        manifest.append({"file": fname, "labels": ";".join(g for g, on in zip(cfg["groups"], present) if on)})
    with open(os.path.join(cfg["export_dir"], "manifest.csv"), "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "labels"])
        writer.writeheader()
        writer.writerows(manifest)


def read_spectrum(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arr = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    if arr.size == 0:
        return None
    x = arr[:, 1].astype(np.float32)
    x = x - np.percentile(x, 5)
    return x / (np.abs(x).max() + 1e-6)


class FTIRDataset(Dataset):
    def __init__(self, rows, cfg):
        self.rows = rows
        self.export_dir = cfg["export_dir"]
        self.group_idx = {g: i for i, g in enumerate(cfg["groups"])}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        spec = read_spectrum(os.path.join(self.export_dir, row["file"]))
        if spec is None:
            return None
        y = torch.zeros(len(self.group_idx))
        for g in filter(None, row["labels"].split(";")):
            y[self.group_idx[g]] = 1.0
        return torch.from_numpy(spec).unsqueeze(0), y


def collate_skip_bad(batch):
    batch = [b for b in batch if b is not None]
    return default_collate(batch)


def build_model(n_points, n_groups):
    return nn.Sequential(
        nn.Conv1d(1, 16, 11, padding=5), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 32, 7, padding=3), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(32, 32, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(24),
        nn.Flatten(),
        nn.Linear(32 * 24, 64), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(64, n_groups),
    )


def train_one_epoch(model, loader, opt, loss_fn):
    model.train()
    losses = []
    for x, y in loader:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


@torch.no_grad()
def evaluate(model, loader, threshold):
    model.eval()
    tp = fp = fn = 0
    for x, y in loader:
        pred = (torch.sigmoid(model(x)) > threshold).float()
        tp += (pred * y).sum().item()
        fp += (pred * (1 - y)).sum().item()
        fn += ((1 - pred) * y).sum().item()
    return 2 * tp / max(2 * tp + fp + fn, 1)


def main():
    torch.manual_seed(0)
    write_synthetic_export(CFG)
    with open(os.path.join(CFG["export_dir"], "manifest.csv")) as fh:
        rows = list(csv.DictReader(fh))
    n_val = int(CFG["val_frac"] * len(rows))
    train_rows, val_rows = rows[:-n_val], rows[-n_val:]

    train_dl = DataLoader(FTIRDataset(train_rows, CFG), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=collate_skip_bad)
    val_dl = DataLoader(FTIRDataset(val_rows, CFG), batch_size=CFG["batch_size"],
                        collate_fn=collate_skip_bad)

    model = build_model(len(WAVENUMBERS), len(CFG["groups"]))
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(CFG["epochs"]):
        tr = train_one_epoch(model, train_dl, opt, loss_fn)
        f1 = evaluate(model, val_dl, CFG["threshold"])
        print(f"epoch {epoch}: BCE {tr:.4f}  val micro-F1 {f1:.3f}")


if __name__ == "__main__":
    main()
