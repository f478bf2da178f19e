"""Irrigation-need classifier over soil probe logs.

Each station logs a variable number of readings per 48h window (the loggers
drop packets when the LoRa gateway is busy), so windows are padded per batch.
"""
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class ProbeConfig:
    n_channels: int = 7          # moisture@10/30/60cm, temp@10/30cm, EC, battery_v
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_readings: int = 48       # one reading every hour for 48h when nothing is dropped
    batch_size: int = 16
    lr: float = 3e-3
    epochs: int = 2
    seed: int = 7


def simulate_station_windows(n_windows, cfg, rng):
    """Fake logger dumps: diurnal temperature, drying curve on moisture, random packet loss."""
    windows, labels = [], []
    for _ in range(n_windows):
        kept = rng.integers(20, 41)
        t = np.sort(rng.choice(cfg.max_readings, size=kept, replace=False)).astype(np.float32)
        base_moist = rng.uniform(0.12, 0.38)
        dry_rate = rng.uniform(0.0005, 0.004)
        moist = np.stack([
            base_moist - dry_rate * t * f + rng.normal(0, 0.005, kept) for f in (1.0, 0.6, 0.3)
        ], axis=1)
        temp = np.stack([
            18 + amp * np.sin(2 * math.pi * t / 24) + rng.normal(0, 0.3, kept) for amp in (6.0, 2.5)
        ], axis=1)
        ec = rng.uniform(0.2, 1.5) + rng.normal(0, 0.02, (kept, 1))
        batt = 3.7 - 0.001 * t[:, None]
        feats = np.concatenate([moist, temp, ec, batt], axis=1).astype(np.float32)
        windows.append(feats)
        labels.append(int(moist[-1, 0] < 0.2))
    return windows, labels


class ProbeWindowDataset(Dataset):
    def __init__(self, windows, labels, mean, std):
        self.windows = windows
        self.labels = labels
        self.mean = mean
        self.std = std

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, idx):
        x = (self.windows[idx] - self.mean) / self.std
        return torch.from_numpy(x), torch.tensor(self.labels[idx], dtype=torch.float32)


def lengths_to_mask(lengths, max_len):
    # True marks padding, as nn.TransformerEncoder expects
    steps = torch.arange(max_len).unsqueeze(0)
    return steps >= lengths.unsqueeze(1)


def make_collate(cfg):
    def collate_windows(batch):
        seqs, ys = zip(*batch)
        lengths = torch.tensor([s.shape[0] for s in seqs])
        padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True)
        pad_mask = lengths_to_mask(lengths, cfg.max_readings)
        return padded, pad_mask, lengths, torch.stack(ys)
    return collate_windows


class IrrigationNeedNet(nn.Module):
    def __init__(self, cfg: ProbeConfig):
        super().__init__()
        self.proj = nn.Linear(cfg.n_channels, cfg.d_model)
        self.pos = nn.Parameter(torch.randn(1, cfg.max_readings, cfg.d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.d_model), nn.Linear(cfg.d_model, 1))

    def forward(self, x, pad_mask, lengths):
        h = self.proj(x) + self.pos[:, : x.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        h = h.masked_fill(pad_mask.unsqueeze(-1), 0.0)
        pooled = h.sum(1) / lengths.unsqueeze(1).float()
        return self.head(pooled).squeeze(-1)


def main():
    cfg = ProbeConfig()
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    windows, labels = simulate_station_windows(160, cfg, rng)
    split = 128
    stacked = np.concatenate(windows[:split])
    mean, std = stacked.mean(0), stacked.std(0) + 1e-6

    train_ds = ProbeWindowDataset(windows[:split], labels[:split], mean, std)
    val_ds = ProbeWindowDataset(windows[split:], labels[split:], mean, std)
    collate = make_collate(cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate)

    model = IrrigationNeedNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for x, pad_mask, lengths, y in train_dl:
            opt.zero_grad()
            logits = model(x, pad_mask, lengths)
            loss = loss_fn(logits, y)
            loss.backward()
            opt.step()
            running += loss.item() * x.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for x, pad_mask, lengths, y in val_dl:
                pred = (model(x, pad_mask, lengths) > 0).float()
                correct += (pred == y).sum().item()
        print(f"epoch {epoch}: train loss {running / len(train_ds):.4f} "
              f"val acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
