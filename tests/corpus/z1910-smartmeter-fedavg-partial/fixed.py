"""Federated next-hour load forecasting across smart-meter households.

Each household keeps its own consumption history; per round a random subset
of households trains a small GRU forecaster locally and the server averages
the returned weights in proportion to how many windows each household has.
"""
import copy
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)

N_HOUSEHOLDS = 6
PER_ROUND = 4
LOOKBACK = 24
ROUNDS = 3


def household_series(hours, base_kw, evening_peak):
    t = torch.arange(hours, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * (t % 24) / 24 - 1.2)
    peak = evening_peak * torch.exp(-((t % 24) - 19.0) ** 2 / 6.0)
    return base_kw + 0.4 * daily + peak + 0.05 * torch.randn(hours)


def windows(series):
    xs = series.unfold(0, LOOKBACK, 1)[:-1]
    ys = series[LOOKBACK:]
    return xs.unsqueeze(-1), ys.unsqueeze(-1)


class LoadForecaster(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.out(h[-1])


def train_locally(global_model, loader, epochs=2):
    model = copy.deepcopy(global_model)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()
    for _ in range(epochs):
        for x, y in loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.state_dict()


def aggregate(states, weights):
    merged = {}
    for key in states[0]:
        stacked = torch.stack([s[key].float() for s in states])
        acc = torch.zeros_like(stacked[0])
        for c in range(len(weights)):
            acc += weights[c] * stacked[c]
        merged[key] = acc
    return merged


@torch.no_grad()
def mean_abs_error(model, loaders):
    errs = []
    for loader in loaders:
        for x, y in loader:
            errs.append((model(x) - y).abs().mean())
    return torch.stack(errs).mean().item()


def main():
    loaders = []
    for h in range(N_HOUSEHOLDS):
        hours = 24 * (5 + 2 * h)
        series = household_series(hours, base_kw=0.3 + 0.1 * h, evening_peak=0.5 + 0.2 * (h % 3))
        x, y = windows(series)
        loaders.append(DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True))

    household_sizes = torch.tensor([len(dl.dataset) for dl in loaders], dtype=torch.float32)
    print("windows per household:", household_sizes.long().tolist())

    global_model = LoadForecaster()
    gen = torch.Generator().manual_seed(1)
    for rnd in range(ROUNDS):
        selected = torch.randperm(N_HOUSEHOLDS, generator=gen)[:PER_ROUND]
        states = [train_locally(global_model, loaders[i]) for i in selected.tolist()]

        weights = household_sizes[selected]
        weights = weights / weights.sum()
        global_model.load_state_dict(aggregate(states, weights))

        mae = mean_abs_error(global_model, loaders)
        print(f"round {rnd}: households={selected.tolist()} MAE={mae:.4f} kW")


if __name__ == "__main__":
    main()
