import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


def config():
    p = argparse.ArgumentParser("sst anomaly forecaster")
    p.add_argument("--months", type=int, default=240)
    p.add_argument("--lat", type=int, default=16)
    p.add_argument("--lon", type=int, default=36)
    p.add_argument("--lookback", type=int, default=12)
    p.add_argument("--lead", type=int, default=3)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--device", default="cpu")
    return p.parse_args(["--months", "180", "--lookback", "6", "--epochs", "2"])


def synthetic_sst(n_months, n_lat, n_lon, seed=11):
    rng = np.random.default_rng(seed)
    lat = np.linspace(-20, 20, n_lat)
    lon = np.linspace(120, 280, n_lon)
    t = np.arange(n_months)
    enso = np.sin(2 * np.pi * t / 45.0) + 0.3 * rng.standard_normal(n_months).cumsum() / np.sqrt(n_months)
    pattern = np.exp(-(lat[:, None] / 8.0) ** 2) * np.exp(-((lon[None, :] - 220) / 40.0) ** 2)
    seasonal = 1.5 * np.cos(2 * np.pi * t / 12.0)[:, None, None] * np.sign(lat)[None, :, None]
    sst = 27 + seasonal + enso[:, None, None] * pattern[None] + 0.2 * rng.standard_normal((n_months, n_lat, n_lon))
    return lat, lon, sst.astype(np.float32)


def monthly_anomalies(sst):
    clim = np.stack([sst[m::12].mean(axis=0) for m in range(12)])
    idx = np.arange(sst.shape[0]) % 12
    return sst - clim[idx]


def nino34_box(lat, lon):
    jj = np.where((lat >= -5) & (lat <= 5))[0]
    ii = np.where((lon >= 190) & (lon <= 240))[0]
    return jj, ii


class SSTWindows(Dataset):
    def __init__(self, anom, lookback, lead):
        self.anom = anom
        self.lookback = lookback
        self.lead = lead
        self.starts = np.arange(len(anom) - lookback - lead + 1)

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, k):
        s = self.starts[k]
        return {
            "window": torch.from_numpy(self.anom[s : s + self.lookback]),
            "target": torch.from_numpy(self.anom[s + self.lookback + self.lead - 1]),
        }


class ConvForecaster(nn.Module):
    def __init__(self, lookback, width):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(lookback, width, 3, padding=1),
            nn.GELU(),
            nn.Conv2d(width, width, 3, padding=1),
            nn.GELU(),
            nn.Conv2d(width, 1, 1),
        )

    def forward(self, window):
        return self.net(window).squeeze(1)


def weighted_mse(lat):
    w = torch.tensor(np.cos(np.deg2rad(lat)), dtype=torch.float32)[:, None]
    w = w / w.mean()

    def loss_fn(pred, tgt):
        return ((pred - tgt) ** 2 * w).mean()

    return loss_fn


def evaluate(model, loader, box, device):
    jj, ii = box
    preds, obs = [], []
    model.eval()
    with torch.no_grad():
        for batch in loader:
            p = model(batch["window"].to(device)).cpu().numpy()
            preds.append(p[:, jj][:, :, ii].mean(axis=(1, 2)))
            obs.append(batch["target"].numpy()[:, jj][:, :, ii].mean(axis=(1, 2)))
    preds, obs = np.concatenate(preds), np.concatenate(obs)
    return np.corrcoef(preds, obs)[0, 1]


def main():
    cfg = config()
    torch.manual_seed(0)
    lat, lon, sst = synthetic_sst(cfg.months, cfg.lat, cfg.lon)
    anom = monthly_anomalies(sst)
    anom = anom / anom.std()
    n_train = int(0.7 * len(anom))
    train_dl = DataLoader(SSTWindows(anom[:n_train], cfg.lookback, cfg.lead), batch_size=cfg.batch, shuffle=True)
    test_dl = DataLoader(SSTWindows(anom[n_train:], cfg.lookback, cfg.lead), batch_size=cfg.batch)

    model = ConvForecaster(cfg.lookback, cfg.width).to(cfg.device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = weighted_mse(lat)
    box = nino34_box(lat, lon)

    for epoch in range(cfg.epochs):
        model.train()
        losses = []
        for batch in train_dl:
            x, y = batch["window"].to(cfg.device), batch["target"].to(cfg.device)
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        acc = evaluate(model, test_dl, box, cfg.device)
        print(f"epoch {epoch}  mse {np.mean(losses):.4f}  nino3.4 corr {acc:.3f}")


if __name__ == "__main__":
    main()
