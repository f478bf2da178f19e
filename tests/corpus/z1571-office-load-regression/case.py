"""Hourly electricity load model for an office building.

Four weeks of hourly meter readings with weather and badge-in counts are
written to CSV, read back with named columns, and an MLP regresses the load
(kWh) from weather, occupancy and cyclic time-of-day / day-of-week features.
Feature standardisation lives inside the model so it ships with the weights.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(42)
HOURS = 24 * 28

workdir = tempfile.mkdtemp(prefix="bems_")
meter_csv = os.path.join(workdir, "meter_hourly.csv")
hour_idx = np.arange(HOURS)
hod = hour_idx % 24
dow = (hour_idx // 24) % 7
temp = 12 + 8 * np.sin(2 * np.pi * (hod - 9) / 24) + rng.normal(0, 1.5, HOURS)
humid = np.clip(65 - 1.2 * (temp - 12) + rng.normal(0, 5, HOURS), 20, 100)
irr = np.clip(800 * np.sin(np.pi * (hod - 6) / 13), 0, None) * rng.uniform(0.4, 1.0, HOURS)
workday = (dow < 5) & (hod >= 8) & (hod < 19)
badges = np.where(workday, rng.poisson(140, HOURS), rng.poisson(4, HOURS))
kwh = 35 + 0.9 * badges + 2.1 * np.abs(temp - 19) + 0.02 * irr + rng.normal(0, 6, HOURS)
np.savetxt(meter_csv, np.column_stack([hour_idx, hod, dow, temp, humid, irr, badges, kwh]),
           delimiter=",", fmt="%.3f",
           header="hour,hod,dow,outdoor_temp,rel_humidity,irradiance,badge_ins,kwh", comments="")

meter = np.genfromtxt(meter_csv, delimiter=",", names=True)
print("columns:", meter.dtype.names)

meter_cols = ["outdoor_temp", "rel_humidity", "irradiance", "badge_ins"]
cyclic = np.column_stack([
    np.sin(2 * np.pi * meter["hod"] / 24), np.cos(2 * np.pi * meter["hod"] / 24),
    np.sin(2 * np.pi * meter["dow"] / 7), np.cos(2 * np.pi * meter["dow"] / 7),
]).astype(np.float32)
drivers = meter[meter_cols]
load = meter["kwh"].astype(np.float32)

drv_tr, drv_te, cyc_tr, cyc_te, load_tr, load_te = train_test_split(
    drivers, cyclic, load, test_size=0.25, random_state=1)

load_scaler = StandardScaler()
load_tr_s = load_scaler.fit_transform(load_tr.reshape(-1, 1)).astype(np.float32)
load_te_s = load_scaler.transform(load_te.reshape(-1, 1)).astype(np.float32)


class LoadMLP(nn.Module):
    def __init__(self, driver_mean, driver_std, n_cyclic):
        super().__init__()
        self.register_buffer("mu", driver_mean)
        self.register_buffer("sigma", driver_std.clamp_min(1e-6))
        n_in = driver_mean.numel() + n_cyclic
        self.body = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, 32),
                                  nn.ReLU(), nn.Linear(32, 1))

    def forward(self, drv, cyc):
        z = (drv - self.mu) / self.sigma
        return self.body(torch.cat([z, cyc], dim=1))


drv_tr_t = torch.from_numpy(drv_tr).float()
drv_te_t = torch.from_numpy(drv_te).float()
cyc_tr_t, cyc_te_t = torch.from_numpy(cyc_tr), torch.from_numpy(cyc_te)
y_tr_t, y_te_t = torch.from_numpy(load_tr_s), torch.from_numpy(load_te_s)

model = LoadMLP(drv_tr_t.mean(0), drv_tr_t.std(0), cyc_tr_t.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
mse = nn.MSELoss()

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(drv_tr_t))
    for s in range(0, len(perm), 64):
        b = perm[s:s + 64]
        loss = mse(model(drv_tr_t[b], cyc_tr_t[b]), y_tr_t[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            pred = model(drv_te_t, cyc_te_t).numpy()
        pred_kwh = load_scaler.inverse_transform(pred).ravel()
        mae = np.abs(pred_kwh - load_te).mean()
        print(f"epoch {epoch + 1}: train mse {loss.item():.4f}  test MAE {mae:.2f} kWh")
