"""Convective initiation nowcast from tracked radar reflectivity sequences.

Each sample is a storm-cell track: a variable number of 2-km CAPPI scans
(5-min cadence) cropped around the cell centroid. Target: does the cell
reach >= 45 dBZ composite within the next 30 minutes.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
random.seed(SEED)

CFG = {
    "crop": 24,
    "min_scans": 6,
    "max_scans": 20,
    "n_tracks": 96,
    "d_model": 64,
    "n_heads": 4,
    "n_layers": 2,
    "tubelet": 2,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 2,
    "dbz_floor": -10.0,
    "dbz_ceil": 70.0,
}


def synth_cell_track(n_scans, crop, rng):
    """Gaussian echo blob that grows/decays with some advection noise."""
    yy, xx = np.mgrid[0:crop, 0:crop]
    cy, cx = crop / 2 + rng.normal(0, 2), crop / 2 + rng.normal(0, 2)
    growth = rng.uniform(-1.5, 3.0)
    peak = rng.uniform(15, 35)
    frames = []
    for t in range(n_scans):
        cy += rng.normal(0, 0.4)
        cx += rng.normal(0.3, 0.4)
        amp = peak + growth * t
        sigma = 3.0 + 0.1 * t
        blob = amp * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sigma ** 2))
        blob += rng.normal(0, 1.5, size=blob.shape)
        frames.append(np.clip(blob, CFG["dbz_floor"], CFG["dbz_ceil"]))
    label = float(peak + growth * (n_scans + 6) >= 45.0)
    return np.stack(frames).astype(np.float32), label


class CellTrackDataset(Dataset):
    def __init__(self, n_tracks, cfg):
        rng = np.random.default_rng(SEED)
        self.tracks = []
        for _ in range(n_tracks):
            n = int(rng.integers(cfg["min_scans"], cfg["max_scans"] + 1))
            self.tracks.append(synth_cell_track(n, cfg["crop"], rng))

    def __len__(self):
        return len(self.tracks)

    def __getitem__(self, idx):
        frames, label = self.tracks[idx]
        dbz = (frames - CFG["dbz_floor"]) / (CFG["dbz_ceil"] - CFG["dbz_floor"])
        return torch.from_numpy(dbz), torch.tensor(label)


def pad_tracks(batch):
    frames, labels = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in frames])
    T = int(lengths.max())
    crop = frames[0].shape[-1]
    out = frames[0].new_zeros(len(frames), T, crop, crop)
    for i, f in enumerate(frames):
        out[i, : f.shape[0]] = f
    pad_mask = torch.arange(T)[None, :] >= lengths[:, None]
    return out, pad_mask, torch.stack(labels)


class FrameEncoder(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.GELU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.GELU(), nn.MaxPool2d(2),
            nn.Conv2d(32, d_model, 3, padding=1), nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        B, T, H, W = x.shape
        z = self.net(x.reshape(B * T, 1, H, W))
        return z.reshape(B, T, -1)


class SinusoidalTime(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class NowcastTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.frames = FrameEncoder(d)
        # temporal tubelets: merge consecutive scans (10-min effective cadence)
        self.tubelet = nn.Conv1d(d, d, kernel_size=cfg["tubelet"], stride=cfg["tubelet"])
        self.time = SinusoidalTime(d)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], 4 * d, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 1))

    def forward(self, radar, pad_mask):
        z = self.frames(radar)
        z = self.tubelet(z.transpose(1, 2)).transpose(1, 2)
        k = self.tubelet.stride[0]
        pad_mask = pad_mask.unfold(1, k, k).all(-1)
        z = self.time(z)
        h = self.encoder(z, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def main():
    ds = CellTrackDataset(CFG["n_tracks"], CFG)
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=pad_tracks)
    model = NowcastTransformer(CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"], weight_decay=1e-2)
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        running, seen = 0.0, 0
        for radar, pad_mask, y in loader:
            logits = model(radar, pad_mask)
            loss = crit(logits, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * y.size(0)
            seen += y.size(0)
        print(f"epoch {epoch}: bce={running / seen:.4f}")


if __name__ == "__main__":
    main()
