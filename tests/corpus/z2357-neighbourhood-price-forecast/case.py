import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
rng = np.random.default_rng(11)

NEIGHBOURHOODS = ["riverside", "old_town", "harbour", "north_hills", "university",
                  "east_end", "meadowbrook", "station_quarter"]
START_YEAR = 2016
N_MONTHS = 84
WINDOW = 12
HIDDEN = 32
EPOCHS = 30
LR = 5e-3


def month_calendar(n_months, start_year):
    months = torch.arange(n_months)
    years = start_year + months // 12
    month_of_year = months % 12
    return torch.stack([years, month_of_year], dim=1)


def simulate_median_prices(n_hoods, n_months):
    base = rng.uniform(250_000, 900_000, size=(n_hoods, 1))
    trend = rng.normal(0.003, 0.001, size=(n_hoods, 1))
    t = np.arange(n_months)[None, :]
    season = 0.01 * np.sin(2 * math.pi * (t % 12) / 12)
    noise = rng.normal(0, 0.006, size=(n_hoods, n_months)).cumsum(axis=1)
    prices = base * np.exp(trend * t + season + noise)
    return torch.tensor(prices, dtype=torch.float32)


def monthly_returns(prices):
    return prices[:, 1:] / prices[:, :-1] - 1.0


def seasonal_features(calendar):
    moy = calendar[:, 1].float()
    return torch.stack([torch.sin(2 * math.pi * moy / 12), torch.cos(2 * math.pi * moy / 12)], dim=1)


def make_windows(returns, season, n_steps, window):
    xs, ys = [], []
    for t in range(window, n_steps):
        past = returns[:, t - window:t].unsqueeze(-1)
        seas = season[t - window:t].unsqueeze(0).expand(returns.shape[0], -1, -1)
        xs.append(torch.cat([past, seas], dim=-1))
        ys.append(returns[:, t])
    return torch.cat(xs, dim=0), torch.cat(ys, dim=0)


class ReturnGRU(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1]).squeeze(-1)


def train(model, x, y, epochs, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    scale = y.std()
    for epoch in range(epochs):
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], 64):
            idx = perm[i:i + 64]
            pred = model(x[idx] / scale)
            loss = loss_fn(pred, y[idx] / scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:02d} mse {loss.item():.4f}")
    return model


def main():
    calendar = month_calendar(N_MONTHS, START_YEAR)
    prices = simulate_median_prices(len(NEIGHBOURHOODS), N_MONTHS)
    returns = monthly_returns(prices)
    season = seasonal_features(calendar)

    n_steps = calendar.shape[0]
    x, y = make_windows(returns, season, n_steps, WINDOW)
    print("windows:", tuple(x.shape), tuple(y.shape))

    n_train = int(0.8 * x.shape[0])
    model = ReturnGRU(n_features=x.shape[-1], hidden=HIDDEN)
    model = train(model, x[:n_train], y[:n_train], EPOCHS, LR)

    model.eval()
    with torch.no_grad():
        scale = y[:n_train].std()
        pred = model(x[n_train:] / scale) * scale
        mae = (pred - y[n_train:]).abs().mean().item()
    print(f"holdout MAE of monthly return: {mae * 100:.3f} pp")
    for name, r in zip(NEIGHBOURHOODS, returns[:, -1]):
        print(f"{name:>16s} last month {r.item() * 100:+.2f}%")


if __name__ == "__main__":
    main()
