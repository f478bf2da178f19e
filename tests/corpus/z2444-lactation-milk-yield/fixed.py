"""Forecast next-week average daily milk yield from a cow's lactation record so far.

Each lactation is a variable-length sequence of daily records (milk kg, days in milk,
THI, rumination min). Sequences are padded per batch and fed to a small transformer.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "n_cows": 96,
    "min_days": 21,
    "max_days": 120,
    "horizon": 7,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-3,
}

FEATURES = ["milk_kg", "dim_scaled", "thi", "rumination_min"]


def wood_curve(dim, a, b, c):
    # Wood's lactation curve: y = a * t^b * exp(-c t)
    return a * np.power(dim, b) * np.exp(-c * dim)


def simulate_lactation(rng, n_days):
    parity = rng.integers(1, 6)
    a = rng.normal(18.0 if parity == 1 else 22.0, 2.0)
    b = rng.uniform(0.18, 0.28)
    c = rng.uniform(0.0025, 0.0045)
    dim = np.arange(1, n_days + CFG["horizon"] + 1, dtype=np.float64)
    thi = 60 + 12 * np.sin(dim / 40.0) + rng.normal(0, 2, size=dim.shape)
    heat_loss = np.clip(thi - 68, 0, None) * 0.35
    milk = wood_curve(dim, a, b, c) - heat_loss + rng.normal(0, 1.2, size=dim.shape)
    rumination = 480 + 3 * (milk - milk.mean()) + rng.normal(0, 25, size=dim.shape)
    return dim, milk, thi, rumination


class LactationDataset(Dataset):
    def __init__(self, n_cows, rng):
        self.records = []
        for cow in range(n_cows):
            n_days = int(rng.integers(CFG["min_days"], CFG["max_days"] + 1))
            dim, milk, thi, rum = simulate_lactation(rng, n_days)
            x = np.stack(
                [milk[:n_days] / 40.0, dim[:n_days] / 305.0, (thi[:n_days] - 60) / 15.0,
                 (rum[:n_days] - 480) / 60.0],
                axis=1,
            ).astype(np.float32)
            y = np.float32(milk[n_days:n_days + CFG["horizon"]].mean() / 40.0)
            self.records.append({"cow_id": f"NL{1000 + cow}", "x": x, "y": y})

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        r = self.records[idx]
        return r["x"], r["y"], r["cow_id"]


def pad_lactations(batch):
    xs, ys, cow_ids = zip(*batch)
    lengths = [len(x) for x in xs]
    T = max(lengths)
    feats = np.zeros((len(xs), T, len(FEATURES)), dtype=np.float32)
    pad_mask = np.zeros((len(xs), T), dtype=bool)
    for i, x in enumerate(xs):
        feats[i, : len(x)] = x
        pad_mask[i, len(x):] = 1
    return {
        "x": torch.from_numpy(feats),
        "pad_mask": torch.from_numpy(pad_mask),
        "y": torch.tensor(ys),
        "cow_ids": list(cow_ids),
    }


class MilkYieldTransformer(nn.Module):
    def __init__(self, n_features, d_model, n_heads, n_layers, max_len):
        super().__init__()
        self.inp = nn.Linear(n_features, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, x, pad_mask):
        B, T, _ = x.shape
        positions = torch.arange(T, device=x.device).unsqueeze(0).expand(B, T)
        h = self.inp(x) * math.sqrt(self.inp.out_features) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (pad_mask == 0).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total, n = 0.0, 0
    for batch in loader:
        with torch.set_grad_enabled(training):
            pred = model(batch["x"], batch["pad_mask"])
            loss = nn.functional.mse_loss(pred, batch["y"])
        if training:
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        total += loss.item() * len(batch["y"])
        n += len(batch["y"])
    return total / n


def main():
    rng = np.random.default_rng(SEED)
    full = LactationDataset(CFG["n_cows"], rng)
    n_val = CFG["n_cows"] // 5
    train_ds, val_ds = torch.utils.data.random_split(
        full, [len(full) - n_val, n_val], generator=torch.Generator().manual_seed(SEED)
    )
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=pad_lactations)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=pad_lactations)

    model = MilkYieldTransformer(
        len(FEATURES), CFG["d_model"], CFG["n_heads"], CFG["n_layers"], CFG["max_days"]
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        tr = run_epoch(model, train_dl, optimizer)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train mse {tr:.4f}  val mse {va:.4f}  (val RMSE ~{40 * va ** 0.5:.2f} kg)")


if __name__ == "__main__":
    main()
