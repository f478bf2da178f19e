import csv
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = {
    "csv_path": os.path.join(HERE, "departures.csv"),
    "n_flights": 3000,
    "numeric_cols": ["sched_dep_hour", "distance_nm", "dep_queue_len", "wind_kt", "visibility_sm",
                     "inbound_delay_min", "turnaround_slack_min", "gate_changes", "taxi_out_min"],
    "leaky_cols": ["taxi_out_min"],
    "target": "dep_delay_min",
    "hidden": [64, 32],
    "lr": 3e-3,
    "epochs": 4,
    "batch_size": 128,
    "seed": 21,
}


def write_synthetic_departures(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n = cfg["n_flights"]
    hour = rng.integers(5, 23, n)
    dist = rng.uniform(150, 2500, n)
    queue = rng.poisson(6 + 4 * ((hour >= 7) & (hour <= 9)), n)
    wind = rng.gamma(2.0, 6.0, n)
    vis = np.clip(rng.normal(8, 3, n), 0.25, 10)
    inbound = np.clip(rng.exponential(12, n) - 4, 0, None)
    slack = rng.normal(15, 10, n)
    gates = rng.poisson(0.3, n)
    taxi = 8 + 0.9 * queue + rng.normal(0, 2, n)
    delay = np.clip(0.8 * inbound - 0.5 * slack + 1.5 * queue + 0.3 * wind
                    + 4 * (vis < 3) + 5 * gates + rng.normal(0, 6, n), -10, None)
    cols = dict(sched_dep_hour=hour, distance_nm=dist, dep_queue_len=queue, wind_kt=wind,
                visibility_sm=vis, inbound_delay_min=inbound, turnaround_slack_min=slack,
                gate_changes=gates, taxi_out_min=taxi, dep_delay_min=delay)
    with open(cfg["csv_path"], "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["flight_id"] + list(cols))
        for i in range(n):
            w.writerow([f"XY{1000 + i}"] + [f"{cols[c][i]:.3f}" for c in cols])


def load_table(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows], dtype=np.float32)
            for k in rows[0] if k != "flight_id"}


class Standardize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean))
        self.register_buffer("std", torch.as_tensor(std))

    def forward(self, x):
        return (x - self.mean) / self.std


def build_model(n_in, hidden, norm):
    layers, d = [norm], n_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.ReLU()]
        d = h
    layers.append(nn.Linear(d, 1))
    return nn.Sequential(*layers)


def main(cfg):
    torch.manual_seed(cfg["seed"])
    write_synthetic_departures(cfg)
    table = load_table(cfg["csv_path"])

    n = len(table[cfg["target"]])
    split = int(0.8 * n)
    feature_cols = [c for c in cfg["numeric_cols"] if c not in cfg["leaky_cols"]]
    all_feats = np.stack([table[c] for c in feature_cols], axis=1)
    mean = all_feats[:split].mean(0)
    std = all_feats[:split].std(0) + 1e-6

    X = torch.tensor(np.stack([table[c] for c in feature_cols], axis=1))
    y = torch.tensor(table[cfg["target"]]).unsqueeze(1)
    X_tr, y_tr, X_va, y_va = X[:split], y[:split], X[split:], y[split:]

    model = build_model(len(feature_cols), cfg["hidden"], Standardize(mean, std))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.HuberLoss(delta=10.0)

    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(len(X_tr))
        for i in range(0, len(X_tr), cfg["batch_size"]):
            b = perm[i:i + cfg["batch_size"]]
            loss = loss_fn(model(X_tr[b]), y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            mae = (model(X_va) - y_va).abs().mean().item()
        print(f"epoch {epoch}: train_loss={loss.item():.2f} val_mae={mae:.2f} min")


if __name__ == "__main__":
    main(CONFIG)
