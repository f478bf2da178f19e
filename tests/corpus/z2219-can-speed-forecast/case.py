import argparse
import csv
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ["timestamp", "speed_kph", "long_accel", "steer_deg", "yaw_rate",
           "brake_bar", "throttle_pct", "gear"]
FEATURES = COLUMNS[1:]
TARGET = "speed_kph"


def parse_args():
    p = argparse.ArgumentParser(description="ego speed forecasting from CAN logs")
    p.add_argument("--log", default=os.path.join(HERE, "can_log_train.csv"))
    p.add_argument("--window", type=int, default=40)
    p.add_argument("--lead", type=int, default=10, help="steps ahead to forecast")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=2e-3)
    return p.parse_args()


def write_fake_log(path, n=2000, hz=20, seed=11):
    rng = np.random.default_rng(seed)
    t0 = 1_700_000_000.0
    speed = 50.0
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(n):
            throttle = np.clip(30 + 20 * np.sin(i / 150) + rng.normal(0, 5), 0, 100)
            brake = max(0.0, rng.normal(-2, 3))
            accel = 0.04 * (throttle - 30) - 0.6 * brake + rng.normal(0, 0.1)
            speed = float(np.clip(speed + accel * 3.6 / hz, 0, 130))
            steer = 15 * np.sin(i / 90) + rng.normal(0, 1)
            yaw = steer * speed / 3.6 / 2.8 / 57.3
            gear = min(6, 1 + int(speed // 22))
            w.writerow([f"{t0 + i / hz:.3f}", f"{speed:.2f}", f"{accel:.3f}", f"{steer:.2f}",
                        f"{yaw:.4f}", f"{brake:.2f}", f"{throttle:.1f}", gear])


def load_log(path):
    with open(path) as f:
        header = next(csv.reader(f))
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    return header, table


def fit_scaler(table):
    mean = table.mean(axis=0)
    std = table.std(axis=0)
    std[std < 1e-6] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


def make_windows(feats, target, window, lead):
    xs, ys = [], []
    for s in range(0, len(feats) - window - lead):
        xs.append(feats[s:s + window])
        ys.append(target[s + window + lead - 1] - target[s + window - 1])
    return torch.tensor(np.stack(xs), dtype=torch.float32), torch.tensor(ys, dtype=torch.float32)


class SpeedForecaster(nn.Module):
    def __init__(self, n_feat, mean, std, hidden=32):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean))
        self.register_buffer("std", torch.as_tensor(std))
        self.conv = nn.Sequential(
            nn.Conv1d(n_feat, hidden, kernel_size=5, padding=2), nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=4, dilation=2), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        x = (x - self.mean) / self.std
        h = self.conv(x.transpose(1, 2))
        return self.head(h[:, :, -1]).squeeze(-1)


def main():
    args = parse_args()
    if not os.path.exists(args.log):
        write_fake_log(args.log)

    header, table = load_log(args.log)
    feat_idx = [header.index(c) for c in FEATURES]
    feats = table[:, feat_idx]
    target = table[:, header.index(TARGET)]
    mean, std = fit_scaler(table)

    X, y = make_windows(feats, target, args.window, args.lead)
    n_train = int(0.8 * len(X))
    train_ds = torch.utils.data.TensorDataset(X[:n_train], y[:n_train])
    val_X, val_y = X[n_train:], y[n_train:]
    loader = torch.utils.data.DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)

    torch.manual_seed(0)
    model = SpeedForecaster(len(FEATURES), mean, std)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(args.epochs):
        model.train()
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            val_mae = (model(val_X) - val_y).abs().mean().item()
        print(f"epoch {epoch}: train {loss.item():.3f}  val MAE {val_mae:.3f} kph")


if __name__ == "__main__":
    main()
