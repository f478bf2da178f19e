# Forecast next-morning dissolved oxygen in shrimp grow-out ponds from the
# hourly water-quality logger (DO, temperature, pH, total ammonia nitrogen).
# A pond embedding captures pond-specific aeration / stocking effects.
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader, random_split

CFG = {
    "csv_path": "pond_logger.csv",
    "n_ponds": 9,
    "days": 30,
    "window_h": 48,
    "horizon_h": 12,
    "stride_h": 8,
    "hidden": 32,
    "pond_emb": 4,
    "batch_size": 32,
    "lr": 2e-3,
    "epochs": 3,
    "seed": 11,
}
SENSORS = ["do_mgl", "temp_c", "ph", "tan_mgl"]


def write_logger_export(path, n_ponds, days, seed):
    rng = np.random.default_rng(seed)
    hours = np.arange(days * 24)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["pond_id", "hour"] + SENSORS)
        for pond in range(n_ponds):
            aeration = rng.uniform(0.6, 1.4)
            temp = 29 + 2.0 * np.sin(2 * np.pi * (hours - 15) / 24) + rng.normal(0, 0.3, hours.size)
            do = 5.5 * aeration + 2.5 * np.sin(2 * np.pi * (hours - 9) / 24) - 0.08 * (temp - 29) \
                + rng.normal(0, 0.4, hours.size)
            ph = 7.8 + 0.4 * np.sin(2 * np.pi * (hours - 12) / 24) + rng.normal(0, 0.05, hours.size)
            tan = np.clip(0.3 + 0.01 * hours / 24 + rng.normal(0, 0.05, hours.size), 0, None)
            for h in hours:
                w.writerow([pond, h, f"{do[h]:.3f}", f"{temp[h]:.2f}", f"{ph[h]:.3f}", f"{tan[h]:.3f}"])


def load_logger(path):
    raw = np.loadtxt(path, delimiter=",", skiprows=1)
    pond_col = raw[:, 0]
    readings = raw[:, 2:].astype(np.float32)
    return pond_col, readings


def standardise(readings):
    mu = readings.mean(axis=0, keepdims=True)
    sd = readings.std(axis=0, keepdims=True) + 1e-6
    return (readings - mu) / sd, mu, sd


def make_windows(pond_col, readings, cfg):
    xs, pids, ys = [], [], []
    for pond in np.unique(pond_col):
        rows = readings[pond_col == pond]
        last = len(rows) - cfg["window_h"] - cfg["horizon_h"]
        for start in range(0, last, cfg["stride_h"]):
            end = start + cfg["window_h"]
            xs.append(rows[start:end])
            pids.append(pond)
            ys.append(rows[end + cfg["horizon_h"] - 1, 0])
    return np.stack(xs), np.array(pids), np.array(ys, dtype=np.float32)


class DOForecaster(nn.Module):
    def __init__(self, n_sensors, n_ponds, hidden, pond_emb):
        super().__init__()
        self.pond = nn.Embedding(n_ponds, pond_emb)
        self.gru = nn.GRU(n_sensors + pond_emb, hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x, pond_ids):
        e = self.pond(pond_ids).unsqueeze(1).expand(-1, x.size(1), -1)
        h, _ = self.gru(torch.cat([x, e], dim=-1))
        return self.out(h[:, -1]).squeeze(-1)


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    total, n = 0.0, 0
    with torch.set_grad_enabled(train):
        for x, pond_ids, y in loader:
            pred = model(x, pond_ids)
            loss = nn.functional.mse_loss(pred, y)
            if train:
                opt.zero_grad()
                loss.backward()
                opt.step()
            total += loss.item() * y.numel()
            n += y.numel()
    return total / n


def main(cfg):
    torch.manual_seed(cfg["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, cfg["csv_path"])
    write_logger_export(path, cfg["n_ponds"], cfg["days"], cfg["seed"])

    pond_col, readings = load_logger(path)
    readings, mu, sd = standardise(readings)
    X, P, Y = make_windows(pond_col, readings, cfg)
    print(f"{len(X)} windows from {cfg['n_ponds']} ponds, window {X.shape[1]}h x {X.shape[2]} sensors")

    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(P), torch.from_numpy(Y))
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg["seed"]))
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = DOForecaster(len(SENSORS), cfg["n_ponds"], cfg["hidden"], cfg["pond_emb"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        rmse_mgl = float(np.sqrt(va)) * float(sd[0, 0])
        print(f"epoch {epoch}: train mse {tr:.3f}  val DO rmse {rmse_mgl:.2f} mg/L")


if __name__ == "__main__":
    main(CFG)
