"""Quantile forecast of day-ahead auction prices (hourly delivery periods).

Inputs per auction day:
  * last 7 days of cleared hourly prices
  * TSO forecasts for the delivery day (load, wind, solar) at 15-minute resolution
Output: P10 / P50 / P90 for each delivery period of the next day.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
rng = np.random.default_rng(11)

QH_PER_HOUR = 4
PRICE_LAGS_DAYS = 7
QUANTILES = torch.tensor([0.1, 0.5, 0.9])
N_DAYS = 60


def synth_market(n_days):
    qh = np.arange(n_days * 24 * QH_PER_HOUR)
    hod = (qh // QH_PER_HOUR) % 24
    load = 55 + 12 * np.sin(2 * np.pi * (hod - 7) / 24) + rng.normal(0, 2, qh.size)
    wind = np.clip(18 + 10 * np.sin(2 * np.pi * qh / (96 * 5)) + rng.normal(0, 4, qh.size), 0, None)
    solar = np.clip(14 * np.sin(np.pi * (hod - 6) / 13), 0, None) * (hod >= 6) * (hod <= 19)
    fundamentals = np.stack([load, wind, solar], axis=1).astype(np.float32)
    residual = (load - wind - solar).reshape(-1, QH_PER_HOUR).mean(1)
    price = 40 + 2.2 * residual + rng.gamma(2.0, 3.0, residual.size)
    return fundamentals.reshape(n_days, 24 * QH_PER_HOUR, 3), price.astype(np.float32).reshape(n_days, 24)


def build_auction_samples(fund_days, price_days):
    lags, fund, target = [], [], []
    for d in range(PRICE_LAGS_DAYS, len(price_days)):
        lags.append(price_days[d - PRICE_LAGS_DAYS:d].reshape(-1))
        fund.append(fund_days[d])
        target.append(price_days[d])
    return (torch.tensor(np.array(lags)), torch.tensor(np.array(fund)),
            torch.tensor(np.array(target)))


class AuctionQuantileNet(nn.Module):
    def __init__(self, n_lags, n_fund, horizon, n_quantiles):
        super().__init__()
        self.horizon = horizon
        self.n_quantiles = n_quantiles
        self.fund_conv = nn.Sequential(
            nn.Conv1d(n_fund, 16, kernel_size=QH_PER_HOUR, stride=QH_PER_HOUR),
            nn.ReLU(),
            nn.Conv1d(16, 16, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        self.lag_mlp = nn.Sequential(nn.Linear(n_lags, 64), nn.ReLU())
        self.out = nn.Linear(16 * 24 + 64, horizon * n_quantiles)

    def forward(self, price_lags, fund):
        f = self.fund_conv(fund.transpose(1, 2)).flatten(1)
        p = self.lag_mlp(price_lags)
        q = self.out(torch.cat([f, p], dim=1)).view(-1, self.horizon, self.n_quantiles)
        # enforce non-crossing quantiles: median plus positive offsets
        mid = q[..., 1:2]
        lo = mid - F.softplus(q[..., 0:1])
        hi = mid + F.softplus(q[..., 2:3])
        return torch.cat([lo, mid, hi], dim=-1)


def pinball(pred, target, quantiles):
    diff = target.unsqueeze(-1) - pred
    return torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean()


def fit(model, lags, fund, target, epochs=10, batch=32):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    n = len(target)
    for ep in range(epochs):
        perm = torch.randperm(n)
        running = 0.0
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            pred = model(lags[idx], fund[idx])
            loss = pinball(pred, target[idx], QUANTILES)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        if ep % 10 == 9:
            print(f"epoch {ep + 1}: pinball {running / n:.3f}")


if __name__ == "__main__":
    fund_days, price_days = synth_market(N_DAYS)
    lags, fund, target = build_auction_samples(fund_days, price_days)

    lag_mu, lag_sd = lags.mean(), lags.std()
    f_mu, f_sd = fund.mean((0, 1)), fund.std((0, 1))
    lags_n = (lags - lag_mu) / lag_sd
    fund_n = (fund - f_mu) / f_sd
    target_n = (target - lag_mu) / lag_sd

    n_train = int(0.8 * len(target))
    delivery_periods = target.shape[1]
    model = AuctionQuantileNet(lags.shape[1], fund.shape[2], delivery_periods, len(QUANTILES))
    fit(model, lags_n[:n_train], fund_n[:n_train], target_n[:n_train])

    model.eval()
    with torch.no_grad():
        pred = model(lags_n[n_train:], fund_n[n_train:]) * lag_sd + lag_mu
    obs = target[n_train:]
    inside = ((obs >= pred[..., 0]) & (obs <= pred[..., 2])).float().mean()
    mae = (pred[..., 1] - obs).abs().mean()
    print(f"test P50 MAE {mae:.2f} EUR/MWh, P10-P90 coverage {inside:.1%}")
