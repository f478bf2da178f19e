"""Probabilistic daily demand forecast for a bakery chain (P10 / P50 / P90 loaves per store-day).

Features: day-of-week one-hot, holiday flag, temperature, rain, last-week sales, promo flag.
The network predicts three quantiles at once and is trained with the pinball loss.
"""
import math

import numpy as np
import torch
import torch.nn as nn

SETTINGS = {
    "quantiles": [0.1, 0.5, 0.9],
    "n_days": 730,
    "n_stores": 4,
    "batch": 64,
    "epochs": 4,
    "lr": 2e-3,
    "hidden": 48,
}


def build_history(n_days, n_stores, seed=2024):
    rng = np.random.default_rng(seed)
    rows, demand = [], []
    for store in range(n_stores):
        base = 180 + 40 * store
        for day in range(n_days):
            dow = day % 7
            holiday = float(rng.random() < 0.03)
            temp = 12 + 10 * math.sin(2 * math.pi * day / 365) + rng.normal(0, 2)
            rain = float(rng.random() < 0.3)
            promo = float(rng.random() < 0.1)
            last_week = base * (1.2 if dow >= 5 else 1.0) + rng.normal(0, 15)
            y = base * (1.25 if dow >= 5 else 1.0) * (0.7 if holiday else 1.0) * (0.92 if rain else 1.0)
            y = y * (1.15 if promo else 1.0) + 0.8 * temp + rng.normal(0, 12)
            one_hot = np.eye(7)[dow]
            rows.append(np.concatenate([one_hot, [holiday, temp / 20, rain, last_week / 200, promo]]))
            demand.append(y / 200)
    return torch.tensor(np.array(rows), dtype=torch.float32), torch.tensor(demand, dtype=torch.float32)


class QuantileForecaster(nn.Module):
    def __init__(self, n_features, hidden, n_quantiles):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, n_quantiles),
        )

    def forward(self, x):
        return self.net(x)


class PinballLoss(nn.Module):
    def __init__(self, quantiles):
        super().__init__()
        self.register_buffer("q", torch.tensor(quantiles).view(1, -1))

    def forward(self, preds, target):
        err = target.unsqueeze(1) - preds
        return torch.maximum(self.q * err, (self.q - 1) * err).mean()


def fit(features, demand, cfg):
    model = QuantileForecaster(features.shape[1], cfg["hidden"], len(cfg["quantiles"]))
    criterion = PinballLoss(cfg["quantiles"])
    optim = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(len(features))
        total = 0.0
        for start in range(0, len(features), cfg["batch"]):
            idx = perm[start:start + cfg["batch"]]
            preds = model(features[idx])
            loss = criterion(preds, demand[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: pinball {total / len(features):.4f}")
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    X, y = build_history(SETTINGS["n_days"], SETTINGS["n_stores"])
    split = int(0.85 * len(X))
    model = fit(X[:split], y[:split], SETTINGS)
    with torch.no_grad():
        test_preds = model(X[split:]) * 200
    coverage = ((y[split:] * 200 >= test_preds[:, 0]) & (y[split:] * 200 <= test_preds[:, 2])).float().mean()
    print(f"P10-P90 coverage on hold-out: {coverage:.3f}")
