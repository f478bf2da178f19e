import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(3)
HOURS = 600
t = np.arange(HOURS, dtype=np.float32)
water_level = (np.sin(2 * np.pi * t / 12.42) + 0.1 * rng.standard_normal(HOURS)).astype(np.float32)

LOOKBACK = 24
LEAD = 6


def window_at(arr, start, lookback):
    return arr[start:start + lookback]


def level_ahead(arr, start, lookback, lead):
    return arr[start + lookback + lead]


def build_pairs(levels, lookback, lead):
    inputs, targets = [], []
    for start in range(len(levels) - lookback - lead):
        inputs.append(window_at(levels, start, lookback))
        targets.append(level_ahead(levels, start, lookback, lead))
    return np.stack(inputs), np.array(targets, dtype=np.float32)


class SurgeForecaster(nn.Module):
    def __init__(self, lookback, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(lookback, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main():
    torch.manual_seed(0)
    x_np, y_np = build_pairs(water_level, LOOKBACK, LEAD)
    x = torch.from_numpy(x_np)
    y = torch.from_numpy(y_np)
    split = int(0.8 * len(x))
    model = SurgeForecaster(LOOKBACK)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    for epoch in range(30):
        perm = torch.randperm(split)
        for i in range(0, split, 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    with torch.no_grad():
        val = loss_fn(model(x[split:]), y[split:]).item()
    print(f"validation mse {val:.4f} on {len(x) - split} windows")


if __name__ == "__main__":
    main()
