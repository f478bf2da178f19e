"""Charging-hub energy demand forecast (next 12 h) from the hub's hourly export.

The back office exports one CSV row per hour: hour-of-day, weekday, delivered kWh,
active sessions, ambient temperature. We embed the calendar columns and run a GRU
over the last two days.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(3)
rng = np.random.default_rng(3)

LOOKBACK = 48
HORIZON = 12
NUM_COLS = ["kwh", "sessions", "temp_c"]


def export_hub_csv(path, n_hours):
    t = np.arange(n_hours)
    hod, dow = t % 24, (t // 24) % 7
    commute = np.exp(-((hod - 8) ** 2) / 6) + 1.3 * np.exp(-((hod - 18) ** 2) / 8)
    weekend = (dow >= 5).astype(float)
    sessions = rng.poisson(2 + 9 * commute * (1 - 0.5 * weekend))
    kwh = sessions * rng.uniform(9, 14, n_hours)
    temp = 8 + 6 * np.sin(2 * np.pi * (hod - 9) / 24) + rng.normal(0, 1, n_hours)
    with open(path, "w") as fh:
        fh.write("hour,weekday," + ",".join(NUM_COLS) + "\n")
        for row in zip(hod, dow, kwh, sessions, temp):
            fh.write(f"{row[0]},{row[1]},{row[2]:.2f},{row[3]},{row[4]:.1f}\n")


def load_hub_csv(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    calendar = table[:, :2].astype(np.int64)
    numeric = table[:, 2:]
    scale_mu = numeric.mean(0)
    scale_sd = numeric.std(0)
    numeric = (numeric - scale_mu) / scale_sd
    return torch.from_numpy(calendar), torch.from_numpy(numeric), scale_mu[0], scale_sd[0]


def make_windows(calendar, numeric, lookback, horizon, stride=3):
    past_cal, past_num, fut_cal, y = [], [], [], []
    for s in range(0, len(numeric) - lookback - horizon + 1, stride):
        e = s + lookback
        past_cal.append(calendar[s:e])
        past_num.append(numeric[s:e])
        fut_cal.append(calendar[e:e + horizon])
        y.append(numeric[e:e + horizon, 0])
    return torch.stack(past_cal), torch.stack(past_num), torch.stack(fut_cal), torch.stack(y)


class HubDemandGRU(nn.Module):
    def __init__(self, n_num, horizon, d_model=32):
        super().__init__()
        self.hour_emb = nn.Embedding(24, 6)
        self.dow_emb = nn.Embedding(7, 3)
        self.step_proj = nn.Linear(n_num + 6 + 3, d_model)
        self.gru = nn.GRU(d_model, d_model, batch_first=True)
        self.fut_proj = nn.Linear(horizon * (6 + 3), d_model)
        self.head = nn.Linear(2 * d_model, horizon)

    def embed_calendar(self, cal):
        return torch.cat([self.hour_emb(cal[..., 0]), self.dow_emb(cal[..., 1])], dim=-1)

    def forward(self, past_cal, past_num, fut_cal):
        steps = torch.cat([past_num, self.embed_calendar(past_cal)], dim=-1)
        _, h = self.gru(torch.relu(self.step_proj(steps)))
        fut = torch.relu(self.fut_proj(self.embed_calendar(fut_cal).flatten(1)))
        return self.head(torch.cat([h[-1], fut], dim=-1))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "hub_export.csv")
        export_hub_csv(csv_path, 24 * 90)
        calendar, numeric, kwh_mu, kwh_sd = load_hub_csv(csv_path)

    past_cal, past_num, fut_cal, y = make_windows(calendar, numeric, LOOKBACK, HORIZON)
    n_train = int(0.85 * len(y))
    print(f"{len(y)} windows, {n_train} for training")

    model = HubDemandGRU(len(NUM_COLS), HORIZON)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(4):
        perm = torch.randperm(n_train)
        for b in range(0, n_train, 64):
            idx = perm[b:b + 64]
            pred = model(past_cal[idx], past_num[idx], fut_cal[idx])
            loss = nn.functional.mse_loss(pred, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: last batch mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(past_cal[n_train:], past_num[n_train:], fut_cal[n_train:])
    mae_kwh = ((pred - y[n_train:]).abs() * kwh_sd).mean().item()
    print(f"holdout MAE: {mae_kwh:.1f} kWh per hour")


if __name__ == "__main__":
    main()
