import math

import torch
from torch import nn

torch.manual_seed(0)

N_GAUGES = 6
N_HOURS = 240
LOOKBACK = 48
HORIZON = 12
STRIDE = 4


def simulate_levels(n_gauges, n_hours):
    t = torch.arange(n_hours, dtype=torch.float32)
    phase = torch.rand(n_gauges, 1) * 2 * math.pi
    tide = torch.sin(2 * math.pi * t / 24 + phase)
    rain = 0.3 * torch.randn(n_gauges, n_hours).cumsum(dim=1) / math.sqrt(n_hours)
    return 2.0 + tide + rain


class LevelForecaster(nn.Module):
    def __init__(self, lookback, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(lookback, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, window):
        return self.net(window).squeeze(-1)


def fit(model, levels, epochs=30):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    windows = levels.unfold(1, LOOKBACK + 1, 1).reshape(-1, LOOKBACK + 1)
    for _ in range(epochs):
        pred = model(windows[:, :LOOKBACK])
        loss = nn.functional.mse_loss(pred, windows[:, LOOKBACK])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def rolling_forecast_error(model, levels):
    n_hours = levels.shape[1]
    errors = torch.zeros(HORIZON)
    n_windows = 0
    for start in range(0, n_hours - LOOKBACK, STRIDE):
        window = levels[:, start:start + LOOKBACK]
        for lead in range(HORIZON):
            pred = model(window)
            observed = levels[:, start + LOOKBACK + lead]
            errors[lead] += (pred - observed).abs().mean()
            window = torch.cat([window[:, 1:], pred.unsqueeze(1)], dim=1)
        n_windows += 1
    return errors / n_windows


levels = simulate_levels(N_GAUGES, N_HOURS)
model = LevelForecaster(LOOKBACK)
print(f"train mse: {fit(model, levels[:, :180]):.4f}")
mae = rolling_forecast_error(model, levels)
for lead in (0, HORIZON // 2, HORIZON - 1):
    print(f"lead {lead + 1:2d}h MAE: {mae[lead]:.3f} m")
