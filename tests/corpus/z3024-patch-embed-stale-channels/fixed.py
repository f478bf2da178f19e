import argparse
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

BASE_VARS = ["t2m", "msl", "u10", "v10"]
N_CHANNELS = len(BASE_VARS) + 1


def parse_config():
    p = argparse.ArgumentParser(description="patch transformer for 2m temperature nowcasting")
    p.add_argument("--n-time", type=int, default=120)
    p.add_argument("--n-lat", type=int, default=32)
    p.add_argument("--n-lon", type=int, default=32)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--window", type=int, default=6)
    p.add_argument("--d-model", type=int, default=32)
    p.add_argument("--n-heads", type=int, default=4)
    p.add_argument("--n-layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--epochs", type=int, default=1)
    return p.parse_args(["--n-time", "96", "--window", "4", "--batch-size", "2"])


def synthetic_reanalysis(n_time, n_lat, n_lon, seed=0):
    rng = np.random.default_rng(seed)
    lat = np.linspace(60.0, 30.0, n_lat)
    lon = np.linspace(-20.0, 20.0, n_lon)
    t = np.arange(n_time)[:, None, None]
    coslat = np.cos(np.deg2rad(lat))[None, :, None]
    fields = {
        "t2m": 273.15 + 15 * coslat + 5 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 1, (n_time, n_lat, n_lon)),
        "msl": 101325 + 800 * rng.standard_normal((n_time, n_lat, n_lon)).cumsum(axis=0) / math.sqrt(n_time),
        "u10": 5 * rng.standard_normal((n_time, n_lat, n_lon)),
        "v10": 3 * rng.standard_normal((n_time, n_lat, n_lon)),
    }
    return {k: v.astype(np.float32) for k, v in fields.items()}, lat, lon


def standardise(arr):
    mu = arr.mean(axis=(0, 1, 2), keepdims=True)
    sd = arr.std(axis=(0, 1, 2), keepdims=True) + 1e-6
    return (arr - mu) / sd


def build_inputs(fields):
    wspd = np.sqrt(fields["u10"] ** 2 + fields["v10"] ** 2)
    stack = [fields[v] for v in BASE_VARS] + [wspd]
    x = np.stack(stack, axis=-1)
    return standardise(x)


class WindowDataset(Dataset):
    def __init__(self, x, target, window, lead=1):
        self.x = x
        self.target = target
        self.window = window
        self.lead = lead

    def __len__(self):
        return self.x.shape[0] - self.window - self.lead + 1

    def __getitem__(self, i):
        past = self.x[i : i + self.window]
        future = self.target[i + self.window + self.lead - 1]
        return torch.from_numpy(past[-1]), torch.from_numpy(future)


def patchify(grid, patch):
    b, h, w, c = grid.shape
    grid = grid.reshape(b, h // patch, patch, w // patch, patch, c)
    grid = grid.permute(0, 1, 3, 2, 4, 5)
    return grid.reshape(b, (h // patch) * (w // patch), patch * patch * c)


class PatchForecaster(nn.Module):
    def __init__(self, n_lat, n_lon, patch, d_model, n_heads, n_layers):
        super().__init__()
        self.patch = patch
        self.n_patches = (n_lat // patch) * (n_lon // patch)
        self.embed = nn.Linear(patch * patch * N_CHANNELS, d_model)
        self.pos = nn.Parameter(torch.zeros(1, self.n_patches, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, patch * patch)
        self.n_lat, self.n_lon = n_lat, n_lon

    def forward(self, grid):
        tokens = self.embed(patchify(grid, self.patch)) + self.pos
        z = self.encoder(tokens)
        out = self.head(z)
        b = out.shape[0]
        hp, wp = self.n_lat // self.patch, self.n_lon // self.patch
        out = out.reshape(b, hp, wp, self.patch, self.patch).permute(0, 1, 3, 2, 4)
        return out.reshape(b, self.n_lat, self.n_lon)


def area_weights(lat):
    w = np.cos(np.deg2rad(lat))
    return torch.tensor(w / w.mean(), dtype=torch.float32)[:, None]


def main():
    cfg = parse_config()
    torch.manual_seed(0)
    fields, lat, lon = synthetic_reanalysis(cfg.n_time, cfg.n_lat, cfg.n_lon)
    x = build_inputs(fields)
    t2m_anom = standardise(fields["t2m"][..., None])[..., 0]

    n_train = int(0.8 * cfg.n_time)
    train_ds = WindowDataset(x[:n_train], t2m_anom[:n_train], cfg.window)
    val_ds = WindowDataset(x[n_train:], t2m_anom[n_train:], cfg.window)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = PatchForecaster(cfg.n_lat, cfg.n_lon, cfg.patch, cfg.d_model, cfg.n_heads, cfg.n_layers)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    w = area_weights(lat)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, (grid, tgt) in enumerate(train_dl):
            pred = model(grid)
            loss = ((pred - tgt) ** 2 * w).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            if step >= 10:
                break
        model.eval()
        with torch.no_grad():
            val = [((model(g) - t) ** 2 * w).mean().item() for g, t in val_dl]
        print(f"epoch {epoch}: train {running / (step + 1):.4f}  val {np.mean(val):.4f}")


if __name__ == "__main__":
    main()
