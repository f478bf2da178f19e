"""Patch-based transformer for day-ahead residential load (smart meter fleet).

Hourly readings, one week of context split into daily patches, 24 h ahead.
Meter gaps (comms dropouts) are zero-filled and flagged so the encoder can ignore them.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
np.random.seed(7)

LOOKBACK = 168
HORIZON = 24
PATCH_LEN = 24
N_CHANNELS = 3  # kWh, outdoor temp, irradiance proxy
D_MODEL = 32


def synth_meter_fleet(n_meters=6, n_hours=24 * 40):
    t = np.arange(n_hours)
    out, gaps = [], []
    for m in range(n_meters):
        base = 0.4 + 0.1 * m
        temp = 9 + 7 * np.sin(2 * np.pi * (t - 15) / 24) + np.random.randn(n_hours)
        irr = np.clip(np.sin(2 * np.pi * (t - 6) / 24), 0, None)
        kwh = base + 0.3 * np.sin(2 * np.pi * (t - 18) / 24) ** 2 + 0.02 * (18 - temp)
        kwh += 0.15 * ((t // 24) % 7 >= 5) + 0.05 * np.random.randn(n_hours)
        series = np.stack([kwh, temp, irr], axis=1).astype(np.float32)
        dropout = np.random.rand(n_hours) < 0.04
        series[dropout] = 0.0
        out.append(series)
        gaps.append(dropout)
    return out, gaps


class MeterWindows(Dataset):
    def __init__(self, fleet, gaps, lookback, horizon, stride=24):
        self.items = []
        for series, gap in zip(fleet, gaps):
            for start in range(0, len(series) - lookback - horizon + 1, stride):
                self.items.append((series, gap, start))
        self.lookback, self.horizon = lookback, horizon

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        series, gap, s = self.items[idx]
        e = s + self.lookback
        context = torch.from_numpy(series[s:e])
        target = torch.from_numpy(series[e:e + self.horizon, 0])
        meter_gap = torch.from_numpy(gap[s:e])
        target_gap = torch.from_numpy(gap[e:e + self.horizon])
        return context, meter_gap, target, target_gap


class PatchLoadForecaster(nn.Module):
    def __init__(self, n_channels, patch_len, n_patches, horizon, d_model):
        super().__init__()
        self.patch_len = patch_len
        self.embed = nn.Linear(n_channels * patch_len, d_model)
        self.patch_pos = nn.Parameter(torch.randn(1, n_patches, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(n_patches * d_model, horizon)

    def forward(self, context, ignore):
        b, L, c = context.shape
        patches = context.reshape(b, L // self.patch_len, self.patch_len * c)
        z = self.embed(patches) + self.patch_pos
        z = self.encoder(z, src_key_padding_mask=ignore)
        return self.head(z.flatten(1))


def masked_mae(pred, target, target_gap):
    valid = (~target_gap).float()
    return (torch.abs(pred - target) * valid).sum() / valid.sum().clamp(min=1.0)


def main():
    fleet, gaps = synth_meter_fleet()
    split = 24 * 30
    train_ds = MeterWindows([s[:split] for s in fleet], [g[:split] for g in gaps],
                            LOOKBACK, HORIZON)
    val_ds = MeterWindows([s[split - LOOKBACK:] for s in fleet],
                          [g[split - LOOKBACK:] for g in gaps], LOOKBACK, HORIZON)
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=16)

    n_patches = LOOKBACK // PATCH_LEN
    model = PatchLoadForecaster(N_CHANNELS, PATCH_LEN, n_patches, HORIZON, D_MODEL)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(3):
        model.train()
        running = 0.0
        for context, meter_gap, target, target_gap in train_dl:
            pred = model(context, meter_gap)
            loss = masked_mae(pred, target, target_gap)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * len(context)
        model.eval()
        with torch.no_grad():
            val_err = [masked_mae(model(c, g), y, yg).item() for c, g, y, yg in val_dl]
        print(f"epoch {epoch}: train MAE {running / len(train_ds):.4f} "
              f"val MAE {np.mean(val_err):.4f}")

    context, meter_gap, _, _ = val_ds[0]
    with torch.no_grad():
        next_day = model(context[None], meter_gap[None])[0]
    print("next-day kWh profile:", np.round(next_day.numpy(), 3))


if __name__ == "__main__":
    main()
