import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, random_split

torch.manual_seed(0)
rng = np.random.default_rng(0)

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "can_log_drive_0412.csv")

# raw signal -> physical value (factor, offset), as in the vehicle DBC
DBC_SCALING = {
    "SAS_Angle": (0.1, -780.0),      # steering wheel angle [deg]
    "WHL_SpdFL": (0.03125, 0.0),     # wheel speed [km/h]
    "WHL_SpdFR": (0.03125, 0.0),
    "YAW_Rate": (0.01, -40.95),      # [deg/s]
    "LAT_Accel": (0.01, -10.23),     # [m/s^2]
    "CF_Gway_TurnSigLh": (1.0, 0.0),
    "CF_Gway_TurnSigRh": (1.0, 0.0),
}
SIGNALS = list(DBC_SCALING)

# codes written by the annotation tool into the "maneuver" column
MANEUVER_CODES = {
    1: "lane_keep",
    2: "lane_change_left",
    3: "lane_change_right",
    4: "turn_left",
    5: "turn_right",
}
NUM_CLASSES = len(MANEUVER_CODES)

WINDOW = 50   # 1 s at 50 Hz
HOP = 25


def synth_segment(code, n):
    t = np.linspace(0, 1, n)
    speed = rng.uniform(30, 90) if code <= 3 else rng.uniform(10, 25)
    steer = np.zeros(n)
    if code == 2:
        steer = 25 * np.sin(2 * np.pi * t)
    elif code == 3:
        steer = -25 * np.sin(2 * np.pi * t)
    elif code == 4:
        steer = 180 * np.sin(np.pi * t)
    elif code == 5:
        steer = -180 * np.sin(np.pi * t)
    steer = steer + rng.normal(0, 2, n)
    yaw = steer * speed / 900 + rng.normal(0, 0.3, n)
    lat = yaw * speed / 200 + rng.normal(0, 0.05, n)
    left = float(code in (2, 4))
    right = float(code in (3, 5))
    phys = {
        "SAS_Angle": steer,
        "WHL_SpdFL": speed + rng.normal(0, 0.3, n),
        "WHL_SpdFR": speed + rng.normal(0, 0.3, n),
        "YAW_Rate": yaw,
        "LAT_Accel": lat,
        "CF_Gway_TurnSigLh": np.full(n, left),
        "CF_Gway_TurnSigRh": np.full(n, right),
    }
    raw = {k: np.round((v - DBC_SCALING[k][1]) / DBC_SCALING[k][0]).astype(int) for k, v in phys.items()}
    return raw


def write_log(path, n_segments=80):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp_ms"] + SIGNALS + ["maneuver"])
        ts = 0
        for _ in range(n_segments):
            code = int(rng.choice(list(MANEUVER_CODES)))
            n = int(rng.integers(100, 200))
            raw = synth_segment(code, n)
            for i in range(n):
                w.writerow([ts] + [raw[s][i] for s in SIGNALS] + [code])
                ts += 20


def load_log(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    feats = np.empty((len(rows), len(SIGNALS)), dtype=np.float32)
    for j, sig in enumerate(SIGNALS):
        factor, offset = DBC_SCALING[sig]
        feats[:, j] = [int(r[sig]) * factor + offset for r in rows]
    codes = np.array([int(r["maneuver"]) for r in rows])
    return feats, codes


def make_windows(feats, codes):
    xs, ys = [], []
    for start in range(0, len(feats) - WINDOW, HOP):
        seg_codes = codes[start:start + WINDOW]
        vals, counts = np.unique(seg_codes, return_counts=True)
        xs.append(feats[start:start + WINDOW])
        ys.append(int(vals[counts.argmax()]))
    return np.stack(xs), np.array(ys)


def build_model(n_in, n_classes):
    return nn.Sequential(
        nn.Conv1d(n_in, 32, kernel_size=5, padding=2),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.Conv1d(32, 64, kernel_size=5, padding=2, stride=2),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(64, n_classes),
    )


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, correct, loss_sum = 0, 0, 0.0
    with torch.set_grad_enabled(training):
        for x, y in loader:
            logits = model(x.transpose(1, 2))
            loss = F.cross_entropy(logits, y)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            total += len(y)
    return loss_sum / total, correct / total


if __name__ == "__main__":
    write_log(LOG_PATH)
    feats, codes = load_log(LOG_PATH)
    mu, sigma = feats.mean(0), feats.std(0) + 1e-6
    feats = (feats - mu) / sigma
    X, y = make_windows(feats, codes)
    print(f"{len(X)} windows, label counts: {np.bincount(y)}")

    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(y).long())
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=128)

    model = build_model(len(SIGNALS), NUM_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(5):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}  train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")
