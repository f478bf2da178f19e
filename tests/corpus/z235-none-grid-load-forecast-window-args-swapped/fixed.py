import math

import torch
import torch.nn as nn

HOURS = 24 * 60
LOOKBACK = 24
HOP = 6


def synthetic_load(n_hours, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n_hours, dtype=torch.float32)
    daily = 0.35 * torch.sin(2 * math.pi * (t - 7) / 24)
    weekly = 0.15 * torch.cos(2 * math.pi * t / (24 * 7))
    trend = 0.0002 * t
    noise = 0.05 * torch.randn(n_hours, generator=g)
    return 1.2 + daily + weekly + trend + noise


def make_windows(series, span, hop):
    inputs = series[:-1].unfold(0, span, hop)
    targets = series[span::hop][: inputs.size(0)]
    return inputs, targets.unsqueeze(-1)


def batches(x, y, size, shuffle=False):
    order = torch.randperm(len(x)) if shuffle else torch.arange(len(x))
    for start in range(0, len(x), size):
        idx = order[start:start + size]
        yield x[idx], y[idx]


class LoadForecaster(nn.Module):
    def __init__(self, lookback, hidden=64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(lookback, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, window):
        level = window.mean(dim=-1, keepdim=True)
        return level + self.net(window - level)


def main():
    torch.manual_seed(0)
    load = synthetic_load(HOURS)
    cut = int(0.8 * HOURS)
    mu, sigma = load[:cut].mean(), load[:cut].std()
    scaled = (load - mu) / sigma

    train_x, train_y = make_windows(scaled[:cut], LOOKBACK, HOP)
    test_x, test_y = make_windows(scaled[cut:], LOOKBACK, HOP)

    model = LoadForecaster(LOOKBACK)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    mse = nn.MSELoss()

    for epoch in range(30):
        model.train()
        for xb, yb in batches(train_x, train_y, 32, shuffle=True):
            opt.zero_grad()
            loss = mse(model(xb), yb)
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            model.eval()
            with torch.no_grad():
                pred = model(test_x)
                mae_kw = ((pred - test_y).abs().mean() * sigma).item()
            print(f"epoch {epoch + 1}: test MAE {mae_kw:.3f} kW")


if __name__ == "__main__":
    main()
