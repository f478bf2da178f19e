#!/usr/bin/env python
"""Early warning for escaped wildfires.

Each fire is a daily series from ignition: burned area growth, wind, RH,
temperature, FWI and spotting count. Fires last different numbers of days,
so series are padded per batch. Target: does the fire end up > 1000 ha.
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

FEATURES = ["log_growth_ha", "wind_kmh", "rh_pct", "temp_c", "fwi", "spot_fires"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-fires", type=int, default=160)
    p.add_argument("--min-days", type=int, default=4)
    p.add_argument("--max-days", type=int, default=28)
    p.add_argument("--d-model", type=int, default=32)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


class FireSeriesDataset(Dataset):
    def __init__(self, n_fires, min_days, max_days, seed):
        rng = np.random.default_rng(seed)
        self.series, self.escaped = [], []
        for _ in range(n_fires):
            days = int(rng.integers(min_days, max_days + 1))
            wind = np.clip(rng.normal(20, 8, days), 0, None)
            rh = np.clip(rng.normal(35, 12, days), 5, 100)
            temp = rng.normal(28, 5, days)
            fwi = np.clip(0.9 * wind - 0.4 * rh + 0.5 * temp + rng.normal(0, 3, days), 0, None)
            growth = np.exp(1.5 + 0.12 * fwi + rng.normal(0, 0.6, days))
            spots = rng.poisson(np.clip(wind / 15, 0.1, None))
            area = growth.cumsum()
            x = np.stack([np.log1p(growth), wind, rh, temp, fwi, spots], axis=1)
            self.series.append(x.astype(np.float32))
            self.escaped.append(float(area[-1] > 1000))
        stacked = np.concatenate(self.series)
        self.mu, self.sd = stacked.mean(0), stacked.std(0) + 1e-6

    def __len__(self):
        return len(self.series)

    def __getitem__(self, idx):
        x = (self.series[idx] - self.mu) / self.sd
        return {"x": torch.from_numpy(x), "y": torch.tensor(self.escaped[idx])}


def pad_fire_batch(samples):
    lengths = torch.tensor([s["x"].shape[0] for s in samples])
    T = int(lengths.max())
    B, F = len(samples), samples[0]["x"].shape[1]
    x = torch.zeros(B, T, F)
    pad_mask = torch.zeros(B, T, dtype=torch.uint8)
    for i, s in enumerate(samples):
        n = s["x"].shape[0]
        x[i, :n] = s["x"]
        pad_mask[i, n:] = 1
    y = torch.stack([s["y"] for s in samples])
    return {"x": x, "pad_mask": pad_mask, "lengths": lengths, "y": y}


class DayEncoding(nn.Module):
    def __init__(self, d_model, max_days=64):
        super().__init__()
        pos = torch.arange(max_days).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_days, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, h):
        return h + self.pe[: h.size(1)]


class EscapeRiskTransformer(nn.Module):
    def __init__(self, n_features, d_model, heads, layers):
        super().__init__()
        self.inp = nn.Linear(n_features, d_model)
        self.days = DayEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 1))

    def forward(self, x, pad_mask):
        h = self.days(self.inp(x))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask.bool()).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = correct = n = 0
    with torch.no_grad():
        for b in loader:
            p = (torch.sigmoid(model(b["x"], b["pad_mask"])) > 0.5).float()
            correct += (p == b["y"]).sum().item()
            tp += ((p == 1) & (b["y"] == 1)).sum().item()
            fp += ((p == 1) & (b["y"] == 0)).sum().item()
            fn += ((p == 0) & (b["y"] == 1)).sum().item()
            n += b["y"].numel()
    recall = tp / (tp + fn) if tp + fn else 0.0
    return correct / n, recall


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    ds = FireSeriesDataset(args.n_fires, args.min_days, args.max_days, args.seed)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(args.seed))
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True, collate_fn=pad_fire_batch)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size, collate_fn=pad_fire_batch)
    pos_rate = float(np.mean(ds.escaped))
    print(f"{len(ds)} fires, escaped rate {pos_rate:.2f}")

    model = EscapeRiskTransformer(len(FEATURES), args.d_model, args.heads, args.layers)
    pos_weight = torch.tensor((1 - pos_rate) / max(pos_rate, 1e-3))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        tot = 0.0
        for b in train_dl:
            logits = model(b["x"], b["pad_mask"])
            loss = loss_fn(logits, b["y"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += loss.item()
        acc, rec = evaluate(model, val_dl)
        print(f"epoch {epoch}: train loss {tot / len(train_dl):.4f} val acc {acc:.3f} escape recall {rec:.3f}")


if __name__ == "__main__":
    main()
