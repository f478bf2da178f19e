"""Per-sample P/S phase picker (PhaseNet-style) with a learned station embedding.

Synthetic 3-component waveforms with Gaussian pick targets; station metadata
(station index, latitude, longitude, elevation) is kept in one table.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class PickerConfig:
    n_stations: int = 12
    n_traces: int = 96
    n_samples: int = 1024
    sampling_rate: float = 100.0
    station_dim: int = 8
    base_channels: int = 16
    pick_sigma: float = 10.0
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 7


def make_station_table(cfg, rng):
    lat = rng.uniform(33.0, 35.0, cfg.n_stations)
    lon = rng.uniform(-118.5, -116.0, cfg.n_stations)
    elev = rng.uniform(0.0, 2500.0, cfg.n_stations)
    idx = np.arange(cfg.n_stations)
    # columns: station_idx, lat, lon, elev_km
    return np.stack([idx, lat, lon, elev / 1000.0], axis=1).astype(np.float32)


def synth_waveform(cfg, rng, p_idx, s_idx):
    t = np.arange(cfg.n_samples)
    wf = 0.05 * rng.standard_normal((3, cfg.n_samples))
    for onset, amp, freq in ((p_idx, 1.0, 8.0), (s_idx, 2.0, 4.0)):
        env = np.where(t >= onset, np.exp(-(t - onset) / 80.0), 0.0)
        phase = 2 * np.pi * freq * t / cfg.sampling_rate
        wf += amp * env * np.sin(phase)[None, :] * rng.uniform(0.5, 1.0, (3, 1))
    wf /= np.abs(wf).max(axis=1, keepdims=True) + 1e-6
    return wf.astype(np.float32)


def gaussian_targets(cfg, p_idx, s_idx):
    t = np.arange(cfg.n_samples)
    p = np.exp(-0.5 * ((t - p_idx) / cfg.pick_sigma) ** 2)
    s = np.exp(-0.5 * ((t - s_idx) / cfg.pick_sigma) ** 2)
    noise = np.clip(1.0 - p - s, 0.0, 1.0)
    y = np.stack([noise, p, s], axis=0)
    return (y / y.sum(axis=0, keepdims=True)).astype(np.float32)


class PickDataset(Dataset):
    def __init__(self, cfg, station_table, rng):
        self.cfg = cfg
        self.station_table = torch.from_numpy(station_table)
        self.records = []
        for _ in range(cfg.n_traces):
            sta = int(rng.integers(cfg.n_stations))
            p_idx = int(rng.integers(150, 500))
            s_idx = p_idx + int(rng.integers(80, 300))
            self.records.append((sta, p_idx, s_idx, synth_waveform(cfg, rng, p_idx, s_idx)))

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        sta, p_idx, s_idx, wf = self.records[i]
        meta = self.station_table[sta]
        return {
            "waveform": torch.from_numpy(wf),
            "station": meta[0],
            "coords": meta[1:],
            "target": torch.from_numpy(gaussian_targets(self.cfg, p_idx, s_idx)),
        }


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, 7, padding=3)
        self.bn = nn.BatchNorm1d(c_out)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class StationAwarePicker(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg.base_channels
        self.station_emb = nn.Embedding(cfg.n_stations, cfg.station_dim)
        self.coord_proj = nn.Linear(3, cfg.station_dim)
        self.enc1 = ConvBlock(3, c)
        self.enc2 = ConvBlock(c, 2 * c)
        self.film = nn.Linear(2 * cfg.station_dim, 2 * (2 * c))
        self.dec1 = ConvBlock(2 * c, c)
        self.head = nn.Conv1d(2 * c, 3, 1)

    def forward(self, waveform, station, coords):
        cond = torch.cat([self.station_emb(station), self.coord_proj(coords)], dim=-1)
        gamma, beta = self.film(cond).chunk(2, dim=-1)
        e1 = self.enc1(waveform)
        e2 = self.enc2(F.max_pool1d(e1, 2))
        e2 = e2 * (1 + gamma.unsqueeze(-1)) + beta.unsqueeze(-1)
        d1 = self.dec1(F.interpolate(e2, scale_factor=2, mode="linear", align_corners=False))
        return self.head(torch.cat([d1, e1], dim=1))


def pick_loss(logits, target):
    return -(target * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


def train(cfg):
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    stations = make_station_table(cfg, rng)
    ds = PickDataset(cfg, stations, rng)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = StationAwarePicker(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in loader:
            logits = model(batch["waveform"], batch["station"], batch["coords"])
            loss = pick_loss(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * batch["waveform"].size(0)
        print(f"epoch {epoch}: loss {running / len(ds):.4f}")
    return model


if __name__ == "__main__":
    train(PickerConfig())
