"""Day-ahead heat load forecast for district heating substations.

Encoder: GRU over the last week of hourly substation data (heat load, outdoor temp,
supply temp). Decoder head: GRU summary + calendar embeddings of the delivery day
+ the weather service's outdoor temperature forecast for the 24 delivery hours.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)
rng = np.random.default_rng(7)

LOOKBACK_H = 7 * 24
HORIZON_H = 24
HIDDEN = 48
# calendar field -> (cardinality, embedding width)
CAL_EMB = {"hour": (24, 4), "weekday": (7, 3), "month": (12, 3)}


def synth_substation(n_hours):
    t = np.arange(n_hours)
    hour = t % 24
    weekday = (t // 24) % 7
    month = (t // (24 * 30)) % 12
    outdoor = 4.0 - 8.0 * np.cos(2 * np.pi * t / (24 * 365)) + 3.0 * np.sin(2 * np.pi * hour / 24)
    outdoor += rng.normal(0, 1.0, n_hours)
    load = 2.5 + 0.12 * np.clip(16.0 - outdoor, 0, None) + 0.4 * ((hour >= 6) & (hour <= 9))
    load += rng.normal(0, 0.1, n_hours)
    supply = 75.0 + 0.8 * np.clip(10.0 - outdoor, 0, None)
    feats = np.stack([load, outdoor, supply], axis=1).astype(np.float32)
    cal = np.stack([hour, weekday, month], axis=1).astype(np.int64)
    return feats, cal


class DayAheadWindows(Dataset):
    def __init__(self, feats, cal, lookback, horizon):
        self.feats = torch.from_numpy(feats)
        self.cal = torch.from_numpy(cal)
        self.lookback = lookback
        self.horizon = horizon
        mu = self.feats.mean(0)
        sd = self.feats.std(0)
        self.norm = (self.feats - mu) / sd
        # forecast origins at midnight only (day-ahead product)
        last = len(feats) - lookback - horizon
        self.origins = [o for o in range(0, last + 1) if (o + lookback) % 24 == 0]

    def __len__(self):
        return len(self.origins)

    def __getitem__(self, i):
        o = self.origins[i]
        split = o + self.lookback
        past = self.norm[o:split]
        temp_fc = self.norm[split:split + self.horizon, 1]
        day_cal = self.cal[split]
        target = self.norm[split:split + self.horizon, 0]
        return past, temp_fc, day_cal, target


class SubstationForecaster(nn.Module):
    def __init__(self, n_feats, hidden, horizon, cal_emb):
        super().__init__()
        self.encoder = nn.GRU(n_feats, hidden, batch_first=True)
        self.cal_tables = nn.ModuleList(
            [nn.Embedding(card, width) for card, width in cal_emb.values()]
        )
        in_features = hidden + sum(width for _, width in cal_emb.values()) + horizon
        self.head = nn.Sequential(
            nn.Linear(in_features, 64),
            nn.GELU(),
            nn.Linear(64, horizon),
        )

    def forward(self, past, temp_fc, day_cal):
        _, h_last = self.encoder(past)
        summary = h_last[-1]
        cal_vecs = [table(day_cal[:, j]) for j, table in enumerate(self.cal_tables)]
        z = torch.cat([summary, *cal_vecs, temp_fc], dim=1)
        return self.head(z)


def train(model, loader, epochs=1):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss_fn = nn.SmoothL1Loss(beta=0.5)
    for ep in range(epochs):
        model.train()
        total, n = 0.0, 0
        for past, temp_fc, day_cal, target in loader:
            pred = model(past, temp_fc, day_cal)
            loss = loss_fn(pred, target)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * len(target)
            n += len(target)
        print(f"epoch {ep}: train huber {total / n:.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    abs_err, n = 0.0, 0
    for past, temp_fc, day_cal, target in loader:
        pred = model(past, temp_fc, day_cal)
        abs_err += (pred - target).abs().sum().item()
        n += target.numel()
    return abs_err / n


if __name__ == "__main__":
    feats, cal = synth_substation(24 * 40)
    split_h = 24 * 30
    train_ds = DayAheadWindows(feats[:split_h], cal[:split_h], LOOKBACK_H, HORIZON_H)
    val_ds = DayAheadWindows(feats[split_h - LOOKBACK_H:], cal[split_h - LOOKBACK_H:], LOOKBACK_H, HORIZON_H)
    print(f"{len(train_ds)} train days, {len(val_ds)} val days")
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=16)

    model = SubstationForecaster(feats.shape[1], HIDDEN, HORIZON_H, CAL_EMB)
    train(model, train_dl)
    print(f"val MAE (normalised): {evaluate(model, val_dl):.4f}")
