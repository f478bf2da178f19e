"""Season-long soil probe series -> end-of-season yield (t/ha) regression.

Each field has one capacitance probe logging daily volumetric water content at two
depths, soil temperature and bulk EC. Readings flagged by the logger as faulty are
dropped before training.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

SENSOR_CHANNELS = ["vwc_10cm", "vwc_30cm", "soil_temp_c", "bulk_ec"]
VALID_RANGE = {
    "vwc_10cm": (0.02, 0.60),
    "vwc_30cm": (0.02, 0.60),
    "soil_temp_c": (-5.0, 45.0),
    "bulk_ec": (0.0, 4.0),
}
SEASON_DAYS = 60
N_FIELDS = 96
BATCH_SIZE = 8
EPOCHS = 3
LOGGER_FAULT = -9999.0


def simulate_probe(rng):
    day = np.arange(SEASON_DAYS)
    rain_events = rng.random(SEASON_DAYS) < 0.12
    vwc_top = np.clip(0.22 + 0.15 * np.convolve(rain_events, np.exp(-np.arange(8) / 3), "same")
                      - 0.0015 * day + rng.normal(0, 0.01, SEASON_DAYS), 0.03, 0.55)
    vwc_deep = np.clip(0.6 * vwc_top + 0.1 + rng.normal(0, 0.005, SEASON_DAYS), 0.03, 0.55)
    temp = 14 + 8 * np.sin(day / SEASON_DAYS * np.pi) + rng.normal(0, 0.6, SEASON_DAYS)
    ec = 0.8 + 1.5 * vwc_top + rng.normal(0, 0.05, SEASON_DAYS)
    series = np.stack([vwc_top, vwc_deep, temp, ec], axis=1)

    n_faults = rng.integers(0, 5)
    if n_faults:
        bad_days = rng.choice(SEASON_DAYS, size=n_faults, replace=False)
        bad_cols = rng.integers(0, len(SENSOR_CHANNELS), size=n_faults)
        series[bad_days, bad_cols] = LOGGER_FAULT

    water_stress = np.mean(vwc_top < 0.18)
    yield_t_ha = 9.5 - 6.0 * water_stress + 0.05 * (temp.mean() - 18) + rng.normal(0, 0.3)
    return series, float(yield_t_ha)


def clean_readings(series):
    keep = np.ones(len(series), dtype=bool)
    for j, name in enumerate(SENSOR_CHANNELS):
        lo, hi = VALID_RANGE[name]
        keep &= (series[:, j] >= lo) & (series[:, j] <= hi)
    return series[keep]


class ProbeSeasonDataset(Dataset):
    def __init__(self, probes, channel_mean=None, channel_std=None):
        self.series = [clean_readings(s) for s, _ in probes]
        self.targets = [y for _, y in probes]
        stacked = np.concatenate(self.series, axis=0)
        self.channel_mean = stacked.mean(0) if channel_mean is None else channel_mean
        self.channel_std = stacked.std(0) + 1e-6 if channel_std is None else channel_std

    def __len__(self):
        return len(self.series)

    def __getitem__(self, idx):
        x = (self.series[idx] - self.channel_mean) / self.channel_std
        return {
            "series": torch.tensor(x, dtype=torch.float32),
            "yield_t_ha": torch.tensor(self.targets[idx], dtype=torch.float32),
        }


def collate_probes(batch):
    series = torch.stack([item["series"] for item in batch])
    lengths = torch.tensor([item["series"].shape[0] for item in batch])
    targets = torch.stack([item["yield_t_ha"] for item in batch])
    return series, lengths, targets


class YieldGRU(nn.Module):
    def __init__(self, n_channels, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_channels, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, series, lengths):
        packed = pack_padded_sequence(series, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.head(h_n[-1]).squeeze(-1)


def main():
    rng = np.random.default_rng(SEED)
    probes = [simulate_probe(rng) for _ in range(N_FIELDS)]
    split = int(0.8 * N_FIELDS)
    train_ds = ProbeSeasonDataset(probes[:split])
    val_ds = ProbeSeasonDataset(probes[split:], train_ds.channel_mean, train_ds.channel_std)

    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_probes)
    val_dl = DataLoader(val_ds, batch_size=BATCH_SIZE, collate_fn=collate_probes)

    model = YieldGRU(len(SENSOR_CHANNELS))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for series, lengths, targets in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(series, lengths), targets)
            loss.backward()
            opt.step()
            running += loss.item() * len(targets)

        model.eval()
        with torch.no_grad():
            sq_err = sum(((model(s, l) - t) ** 2).sum().item() for s, l, t in val_dl)
        print(f"epoch {epoch}: train mse {running / len(train_ds):.3f}  "
              f"val rmse {np.sqrt(sq_err / len(val_ds)):.3f} t/ha")


if __name__ == "__main__":
    main()
