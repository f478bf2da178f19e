"""Flow-level network intrusion detection (CIC-IDS style NetFlow features).

Flows are exported to CSV by the sensor, one row per bidirectional flow.
We train on the first days of capture and validate on the last day
(temporal split, no shuffling across days), with a class-weighted loss
because attack classes are heavily under-represented.
"""
import csv
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(3)
random.seed(3)
torch.manual_seed(3)

TRAFFIC_CLASSES = ["benign", "dos", "portscan", "bruteforce", "infiltration"]
FEATURES = ["duration_ms", "fwd_pkts", "bwd_pkts", "fwd_bytes", "bwd_bytes",
            "syn_flags", "rst_flags", "psh_flags", "mean_iat_ms", "dst_port_entropy"]
CENTERS = {
    "benign":       [800, 12, 10, 4000, 9000, 1, 0, 3, 60, 0.4],
    "dos":          [30, 200, 2, 60000, 100, 150, 1, 0, 0.2, 0.1],
    "portscan":     [5, 1, 1, 60, 40, 1, 1, 0, 1, 3.5],
    "bruteforce":   [400, 20, 18, 2200, 1800, 1, 0, 10, 25, 0.2],
    "infiltration": [5000, 60, 80, 30000, 90000, 2, 0, 25, 120, 1.2],
}


def export_flows(path, days=4, flows_per_day=300):
    """Stand-in for the sensor CSV dump (one capture day after another)."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["day"] + FEATURES + ["label"])
        for day in range(days):
            for _ in range(flows_per_day):
                r = random.random()
                if r < 0.7:
                    lab = "benign"
                elif day == days - 1 and r < 0.78:
                    lab = "infiltration"
                else:
                    lab = random.choice(["dos", "portscan", "bruteforce"])
                c = np.array(CENTERS[lab], dtype=float)
                x = np.abs(c * (1 + 0.25 * rng.standard_normal(len(c))))
                w.writerow([day] + [f"{v:.3f}" for v in x] + [lab])


def load_flows(path):
    days, feats, labels = [], [], []
    with open(path) as fh:
        for row in csv.DictReader(fh):
            days.append(int(row["day"]))
            feats.append([float(row[f]) for f in FEATURES])
            labels.append(TRAFFIC_CLASSES.index(row["label"]))
    return np.array(days), np.log1p(np.array(feats)), np.array(labels)


def balanced_weights(y):
    counts = np.bincount(y, minlength=len(TRAFFIC_CLASSES))
    return len(y) / (len(counts) * np.maximum(counts, 1))


class FlowMLP(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_in, 64), nn.ReLU(), nn.BatchNorm1d(64),
            nn.Linear(64, 32), nn.ReLU(),
            nn.Linear(32, n_out),
        )

    def forward(self, x):
        return self.body(x)


def main():
    tmp = tempfile.mkdtemp(prefix="flows_")
    csv_path = os.path.join(tmp, "sensor_export.csv")
    export_flows(csv_path)
    days, X, y = load_flows(csv_path)

    last_day = days.max()
    tr, va = days < last_day, days == last_day
    scaler = StandardScaler().fit(X[tr])
    Xtr = torch.tensor(scaler.transform(X[tr]), dtype=torch.float32)
    Xva = torch.tensor(scaler.transform(X[va]), dtype=torch.float32)
    ytr, yva = torch.from_numpy(y[tr]), torch.from_numpy(y[va])
    print(f"train flows {len(ytr)}  val flows {len(yva)}")

    cls_w = torch.tensor(balanced_weights(y[tr]), dtype=torch.float32)
    model = FlowMLP(len(FEATURES), len(TRAFFIC_CLASSES))
    criterion = nn.CrossEntropyLoss(weight=cls_w)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(5):
        model.train()
        perm = torch.randperm(len(ytr))
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            loss = criterion(model(Xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(Xva).argmax(1)
        recall = {TRAFFIC_CLASSES[k]: (pred[yva == k] == k).float().mean().item()
                  for k in yva.unique().tolist()}
        print(f"epoch {epoch} loss {loss.item():.4f} val recall "
              + " ".join(f"{k}={v:.2f}" for k, v in recall.items()))


if __name__ == "__main__":
    main()
