import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class LoadConfig:
    n_days: int = 512
    hidden: int = 24
    batch_size: int = 32
    lr: float = 3e-3
    epochs: int = 5
    seed: int = 7


def synth_daily_load(cfg: LoadConfig):
    g = torch.Generator().manual_seed(cfg.seed)
    temp_c = torch.rand(cfg.n_days, 1, generator=g) * 40.0 - 5.0
    comfort = 18.0
    base = 120.0 + 2.5 * (temp_c - comfort).abs() + 0.04 * (temp_c - comfort) ** 2
    noise = torch.randn(cfg.n_days, 1, generator=g) * 4.0
    load_mw = base + noise
    return temp_c, load_mw


class Standardizer:
    def __init__(self, t: torch.Tensor):
        self.mean = t.mean(0, keepdim=True)
        self.std = t.std(0, keepdim=True).clamp_min(1e-6)

    def __call__(self, t):
        return (t - self.mean) / self.std

    def inverse(self, t):
        return t * self.std + self.mean


class LoadRegressor(nn.Module):
    def __init__(self, hidden: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(1, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, temp):
        return self.net(temp)


def train(cfg: LoadConfig):
    torch.manual_seed(cfg.seed)
    temp_c, load_mw = synth_daily_load(cfg)
    x_norm, y_norm = Standardizer(temp_c), Standardizer(load_mw)

    split = int(0.8 * cfg.n_days)
    train_ds = TensorDataset(x_norm(temp_c[:split]), y_norm(load_mw[:split]))
    val_ds = TensorDataset(x_norm(temp_c[split:]), y_norm(load_mw[split:]))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = LoadRegressor(cfg.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for temp, load in train_dl:
            load = load.squeeze()
            pred = model(temp).squeeze(-1)
            loss = loss_fn(pred, load)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(load)
        train_mse = running / len(train_ds)

        model.eval()
        sq_err, count = 0.0, 0
        with torch.no_grad():
            for temp, load in val_dl:
                pred = model(temp)
                pred_mw = y_norm.inverse(pred)
                true_mw = y_norm.inverse(load)
                sq_err += ((pred_mw - true_mw) ** 2).sum().item()
                count += len(load)
        val_rmse = math.sqrt(sq_err / count)
        print(f"epoch {epoch}: train_mse={train_mse:.4f} val_rmse={val_rmse:.2f} MW")

    return model


if __name__ == "__main__":
    train(LoadConfig())
