"""Parcel-level crop type mapping from Sentinel-2 band time series with a small
temporal self-attention encoder (plain torch)."""
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

BANDS = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12"]
CROPS = ["maize", "winter_wheat", "soybean", "sunflower", "rapeseed", "grassland"]
SEASON = (91, 305)          # day-of-year, April -> October
REVISIT_DAYS = 5
MAX_ACQ = 24                # 10-day composites, one per dekad

ACQ_DOY = np.arange(SEASON[0], SEASON[1], REVISIT_DAYS)


def crop_profile(crop_idx, doy):
    peak = 150 + 20 * crop_idx
    width = 30 + 5 * (crop_idx % 3)
    return np.exp(-0.5 * ((doy - peak) / width) ** 2)


def simulate_parcels(n_parcels):
    X, y = [], []
    for _ in range(n_parcels):
        c = int(rng.integers(len(CROPS)))
        ndvi_like = crop_profile(c, ACQ_DOY)
        refl = 0.05 + 0.4 * ndvi_like[:, None] * rng.uniform(0.5, 1.5, size=len(BANDS))
        refl += rng.normal(0, 0.02, size=refl.shape)
        X.append(refl.astype(np.float32))
        y.append(c)
    return np.stack(X), np.array(y)


class ParcelSeries(Dataset):
    def __init__(self, X, y, mean, std):
        self.X = (X - mean) / std
        self.y = y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"series": torch.from_numpy(self.X[i]), "doy": torch.from_numpy(ACQ_DOY.copy()),
                "crop": torch.tensor(self.y[i])}


class TemporalAttentionEncoder(nn.Module):
    def __init__(self, n_bands, n_classes, d_model, n_heads, n_layers, max_len):
        super().__init__()
        self.inp = nn.Sequential(nn.Linear(n_bands, d_model), nn.LayerNorm(d_model))
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, n_layers)
        self.cls = nn.Linear(d_model, n_classes)

    def forward(self, series, doy=None):
        t = torch.arange(series.shape[1], device=series.device)
        h = self.inp(series) + self.pos(t)[None]
        h = self.enc(h)
        return self.cls(h.mean(dim=1))


class GRUBaseline(nn.Module):
    def __init__(self, n_bands, n_classes, d_model, **_):
        super().__init__()
        self.rnn = nn.GRU(n_bands, d_model, batch_first=True)
        self.cls = nn.Linear(d_model, n_classes)

    def forward(self, series, doy=None):
        _, h = self.rnn(series)
        return self.cls(h[-1])


MODELS = {
    "tae": partial(TemporalAttentionEncoder, d_model=32, n_heads=4, n_layers=2, max_len=len(ACQ_DOY)),
    "gru": partial(GRUBaseline, d_model=32),
}


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    tot_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for batch in loader:
            logits = model(batch["series"], batch["doy"])
            loss = F.cross_entropy(logits, batch["crop"], label_smoothing=0.05)
            if training:
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
            tot_loss += loss.item() * len(batch["crop"])
            correct += (logits.argmax(1) == batch["crop"]).sum().item()
            seen += len(batch["crop"])
    return tot_loss / seen, correct / seen


def main(model_name="tae", epochs=3):
    X, y = simulate_parcels(240)
    mean, std = X.reshape(-1, len(BANDS)).mean(0), X.reshape(-1, len(BANDS)).std(0) + 1e-6
    ds = ParcelSeries(X, y, mean, std)
    train_ds, val_ds = random_split(ds, [192, 48], generator=torch.Generator().manual_seed(0))
    make_loader = lambda d, shuffle: DataLoader(d, batch_size=32, shuffle=shuffle)
    train_dl, val_dl = make_loader(train_ds, True), make_loader(val_ds, False)

    model = MODELS[model_name](n_bands=len(BANDS), n_classes=len(CROPS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = []
    for epoch in range(epochs):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        history.append((tr, va))
        print(f"[{model_name}] epoch {epoch}: train loss {tr[0]:.3f} acc {tr[1]:.2f} | "
              f"val loss {va[0]:.3f} acc {va[1]:.2f}")
    best = max(range(len(history)), key=lambda i: history[i][1][1])
    print(f"best val acc {history[best][1][1]:.2f} at epoch {best}")


if __name__ == "__main__":
    main()
