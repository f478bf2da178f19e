"""Fit a power curve for a wind turbine from SCADA-style readings."""
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class FitConfig:
    feature_cols: list = field(default_factory=lambda: ["wind_speed"])
    target_col: str = "power_kw"
    hidden: int = 64
    batch_size: int = 32
    epochs: int = 5
    lr: float = 3e-3
    seed: int = 11


def synth_scada(n_rows, rng):
    wind = rng.uniform(0.0, 25.0, n_rows)
    direction = rng.uniform(0.0, 360.0, n_rows)
    temp = rng.normal(12.0, 6.0, n_rows)
    rated = 2000.0
    power = np.clip(rated * ((wind - 3.0) / 9.0) ** 3, 0.0, rated)
    power[wind > 24.0] = 0.0
    power += rng.normal(0.0, 25.0, n_rows)
    return {"wind_speed": wind, "wind_dir": direction, "ambient_temp": temp, "power_kw": power}


def to_tensors(table, cfg):
    feats = np.stack([table[c] for c in cfg.feature_cols], axis=1).astype(np.float32)
    target = table[cfg.target_col].astype(np.float32)[:, None]
    mu, sigma = feats.mean(axis=0), feats.std(axis=0)
    feats = (feats - mu) / sigma
    target = target / 2000.0
    return torch.from_numpy(feats), torch.from_numpy(target)


def build_model(cfg):
    return nn.Sequential(
        nn.Linear(len(cfg.feature_cols), cfg.hidden),
        nn.SiLU(),
        nn.Linear(cfg.hidden, cfg.hidden),
        nn.SiLU(),
        nn.Linear(cfg.hidden, 1),
    )


def train(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    X, y = to_tensors(synth_scada(2048, rng), cfg)
    split = int(0.8 * len(X))
    train_dl = DataLoader(TensorDataset(X[:split], y[:split]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(X[split:], y[split:]), batch_size=256)

    model = build_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for speed, power in train_dl:
            speed, power = speed.squeeze(), power.squeeze()
            pred = model(speed).squeeze()
            loss = loss_fn(pred, power)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(power)

        model.eval()
        with torch.no_grad():
            val_err = sum(
                loss_fn(model(xb).squeeze(-1), yb.squeeze(-1)).item() * len(yb) for xb, yb in val_dl
            ) / (len(X) - split)
        print(f"epoch {epoch}: train mse {running / split:.5f}  val mse {val_err:.5f}")
    return model


if __name__ == "__main__":
    cfg = FitConfig()
    model = train(cfg)
    grid = torch.linspace(-1.5, 1.5, 7)[:, None]
    with torch.no_grad():
        print("power curve (kW):", (model(grid).squeeze(-1) * 2000.0).round().tolist())
