"""Crop-type classification from per-pixel Sentinel-2 time series.

Each parcel pixel is a sequence of acquisitions; every acquisition carries a few
spectral indices (NDVI, EVI, NDWI, red-edge NDVI). A small BERT encoder runs over the
acquisition axis and a linear head predicts the crop class of the pixel.
"""
from datetime import date, timedelta

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
rng = np.random.default_rng(7)

SEASON_START = date(2021, 4, 1)
SEASON_END = date(2021, 10, 31)
REVISIT_DAYS = 5
S2B_OFFSET_DAYS = 2
CROP_CLASSES = ["maize", "winter_wheat", "sugar_beet", "grassland", "rapeseed"]
N_PIXELS = 256
INDEX_NAMES = ["ndvi", "evi", "ndwi", "ndre"]


def acquisition_calendar(start, end, step, offset=0):
    days = (end - start).days
    return [start + timedelta(days=d) for d in range(offset, days, step)]


def phenology_curve(doys, peak_doy, width, amplitude):
    return 0.15 + amplitude * np.exp(-0.5 * ((doys - peak_doy) / width) ** 2)


def simulate_pixels(acq_dates, n_pixels):
    doys = np.array([d.timetuple().tm_yday for d in acq_dates], dtype=np.float32)
    peaks = {0: 210, 1: 150, 2: 230, 3: 170, 4: 130}
    labels = rng.integers(0, len(CROP_CLASSES), size=n_pixels)
    series = np.zeros((n_pixels, len(acq_dates), len(INDEX_NAMES)), dtype=np.float32)
    for p, lab in enumerate(labels):
        peak = peaks[int(lab)] + rng.normal(0, 6)
        ndvi = phenology_curve(doys, peak, 25 + rng.normal(0, 3), 0.65)
        ndvi += rng.normal(0, 0.03, size=ndvi.shape)
        cloudy = rng.random(len(doys)) < 0.15
        ndvi[cloudy] = rng.uniform(-0.05, 0.1, size=cloudy.sum())
        series[p, :, 0] = ndvi
        series[p, :, 1] = 0.8 * ndvi + rng.normal(0, 0.02, size=ndvi.shape)
        series[p, :, 2] = -0.6 * ndvi + 0.2
        series[p, :, 3] = 0.7 * ndvi - 0.05
    return torch.from_numpy(series), torch.from_numpy(labels).long()


class PixelSeriesClassifier(nn.Module):
    def __init__(self, n_indices, n_classes, n_steps):
        super().__init__()
        cfg = BertConfig(
            vocab_size=4,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=n_steps,
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
        )
        self.proj = nn.Linear(n_indices, cfg.hidden_size)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, series, valid):
        tokens = self.proj(series)
        out = self.encoder(inputs_embeds=tokens, attention_mask=valid)
        h = out.last_hidden_state
        w = valid.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    season_dates = acquisition_calendar(SEASON_START, SEASON_END, REVISIT_DAYS)
    s2a_dates = season_dates
    s2b_dates = acquisition_calendar(SEASON_START, SEASON_END, REVISIT_DAYS, S2B_OFFSET_DAYS)
    acq_dates = sorted(s2a_dates + s2b_dates)
    print(f"season calendar: {len(season_dates)} dates per sensor, {len(acq_dates)} merged S2A+S2B")

    series, labels = simulate_pixels(acq_dates, N_PIXELS)
    valid = (series[:, :, 0] > 0.12).long()
    mean = series.mean(dim=(0, 1), keepdim=True)
    std = series.std(dim=(0, 1), keepdim=True)
    series = (series - mean) / std

    n_train = int(0.8 * N_PIXELS)
    model = PixelSeriesClassifier(len(INDEX_NAMES), len(CROP_CLASSES), n_steps=len(season_dates))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        perm = torch.randperm(n_train)
        total = 0.0
        for i in range(0, n_train, 32):
            idx = perm[i:i + 32]
            logits = model(series[idx], valid[idx])
            loss = loss_fn(logits, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            val_logits = model(series[n_train:], valid[n_train:])
            acc = (val_logits.argmax(-1) == labels[n_train:]).float().mean().item()
        print(f"epoch {epoch}: train loss {total / n_train:.3f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
