"""Crop-type classification from per-pixel Sentinel-2 vegetation-index time series.

Each labelled parcel pixel carries a full-year series of 10-day composites
(NDVI, EVI, NDWI). Composites that were cloudy are flagged invalid by the
scene classification layer and must be ignored by the temporal encoder.
Training only uses the growing season window.
"""
import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
rng = np.random.default_rng(7)

DEKADS_PER_YEAR = 36
SEASON_START, SEASON_END = 9, 33      # April to late November
INDICES = ("ndvi", "evi", "ndwi")
CROP_CLASSES = ("maize", "winter_wheat", "sugar_beet", "grassland", "rapeseed")
N_PIXELS = 96
BATCH = 16


def synth_parcel_pixels(n_pixels):
    """Phenology curves per crop with noise, plus a cloud flag per dekad."""
    t = np.arange(DEKADS_PER_YEAR) / DEKADS_PER_YEAR
    peaks = {0: 0.55, 1: 0.35, 2: 0.6, 3: 0.45, 4: 0.3}
    crop = rng.integers(0, len(CROP_CLASSES), size=n_pixels)
    series = np.zeros((n_pixels, DEKADS_PER_YEAR, len(INDICES)), dtype=np.float32)
    for i, c in enumerate(crop):
        green = np.exp(-((t - peaks[int(c)]) ** 2) / 0.012)
        series[i, :, 0] = 0.15 + 0.7 * green
        series[i, :, 1] = 0.10 + 0.5 * green
        series[i, :, 2] = -0.2 + 0.4 * green
    series += rng.normal(0, 0.03, size=series.shape).astype(np.float32)
    cloudy = rng.random((n_pixels, DEKADS_PER_YEAR)) < 0.25
    series[cloudy] = 0.0
    return series, cloudy, crop


def season_window(series):
    return series[:, SEASON_START:SEASON_END]


class DekadPositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=DEKADS_PER_YEAR):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(1000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class TemporalCropEncoder(nn.Module):
    def __init__(self, n_indices, n_classes, d_model=32, n_heads=4, n_layers=2):
        super().__init__()
        self.embed = nn.Linear(n_indices, d_model)
        self.pos = DekadPositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.classifier = nn.Linear(d_model, n_classes)

    def forward(self, vi_series, cloud_padding):
        h = self.pos(self.embed(vi_series))
        h = self.encoder(h, src_key_padding_mask=cloud_padding)
        keep = (~cloud_padding).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def make_batches(vi, cloud_flags, crop_ids, batch_size):
    order = torch.randperm(vi.size(0))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield vi[idx], cloud_flags[idx], crop_ids[idx]


def main():
    series, cloudy, crop = synth_parcel_pixels(N_PIXELS)
    vi = torch.from_numpy(season_window(series))
    cloud_flags = torch.from_numpy(season_window(cloudy))
    crop_ids = torch.from_numpy(crop).long()
    print(f"pixels={vi.shape[0]} season dekads={vi.shape[1]} indices={vi.shape[2]}")
    print(f"cloudy fraction: {cloud_flags.float().mean():.2f}")

    model = TemporalCropEncoder(len(INDICES), len(CROP_CLASSES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        total, correct, running = 0, 0, 0.0
        for vi_b, cloud_b, crop_b in make_batches(vi, cloud_flags, crop_ids, BATCH):
            logits = model(vi_b, cloud_b)
            loss = loss_fn(logits, crop_b)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * crop_b.size(0)
            correct += (logits.argmax(-1) == crop_b).sum().item()
            total += crop_b.size(0)
        print(f"epoch {epoch}: loss={running / total:.3f} acc={correct / total:.2f}")

    model.eval()
    with torch.no_grad():
        all_logits = model(vi, cloud_flags)
    per_class = torch.bincount(all_logits.argmax(-1), minlength=len(CROP_CLASSES))
    for name, n in zip(CROP_CLASSES, per_class.tolist()):
        print(f"  predicted {name:>13}: {n}")


if __name__ == "__main__":
    main()
