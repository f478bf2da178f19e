import os
import math
import random

import numpy as np
import torch
import torch.nn as nn

LOGBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logbook_2023.csv")
GEARS = ["gillnet", "longline", "pot", "handline"]
PORTS = ["Ullapool", "Peterhead", "Fraserburgh", "Lerwick", "Kinlochbervie"]
FIELDS = ["trip_id", "vessel", "port", "date", "gear", "lat", "lon", "depth_m", "catch_kg", "soak_hours"]

random.seed(21)
np.random.seed(21)
torch.manual_seed(21)


def write_logbook(path, n_trips=400):
    lines = [",".join(FIELDS)]
    for t in range(n_trips):
        gear = random.choice(GEARS)
        port = random.choice(PORTS)
        month = random.randint(1, 12)
        day = random.randint(1, 28)
        lat = round(random.uniform(56.5, 61.0), 4)
        lon = round(random.uniform(-7.5, 1.5), 4)
        depth = round(random.uniform(20, 250), 1)
        soak = round(random.uniform(2, 48), 1) if gear != "handline" else round(random.uniform(1, 10), 1)
        base = {"gillnet": 9.0, "longline": 6.0, "pot": 3.0, "handline": 4.0}[gear]
        cpue = base * math.exp(0.3 * math.sin(2 * math.pi * month / 12) - 0.002 * depth + random.gauss(0, 0.4))
        catch = round(cpue * soak, 1)
        lines.append(",".join(map(str, [f"T{t:04d}", f"V{random.randint(1, 30):03d}", port,
                                        f"2023-{month:02d}-{day:02d}", gear, lat, lon, depth, catch, soak])))
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def read_logbook(path):
    with open(path) as fh:
        lines = fh.readlines()
    header = lines[0].rstrip("\n").split(",")
    col = {name: i for i, name in enumerate(header)}
    trips = []
    for line in lines[1:]:
        if not line.strip():
            continue
        parts = line.split(",")
        trips.append({
            "trip_id": parts[col["trip_id"]],
            "gear": parts[col["gear"]],
            "month": int(parts[col["date"]].split("-")[1]),
            "lat": float(parts[col["lat"]]),
            "lon": float(parts[col["lon"]]),
            "depth_m": float(parts[col["depth_m"]]),
            "catch_kg": float(parts[col["catch_kg"]]),
            "soak_hours": float(parts[col["soak_hours"]]),
        })
    return trips


def featurize(trips):
    gear_idx = {g: i for i, g in enumerate(GEARS)}
    X, y = [], []
    for tr in trips:
        if tr["soak_hours"] <= 0 or tr["catch_kg"] <= 0:
            continue
        onehot = [0.0] * len(GEARS)
        onehot[gear_idx[tr["gear"]]] = 1.0
        m = tr["month"]
        X.append(onehot + [math.sin(2 * math.pi * m / 12), math.cos(2 * math.pi * m / 12),
                           (tr["lat"] - 58.75) / 2.0, (tr["lon"] + 3.0) / 4.5, tr["depth_m"] / 250.0])
        y.append(math.log(tr["catch_kg"] / tr["soak_hours"]))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def make_model(n_in):
    return nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))


def fit_cpue(X, y, epochs=60, lr=5e-3, batch=64):
    n = X.shape[0]
    perm = torch.randperm(n)
    n_tr = int(0.8 * n)
    tr_idx, va_idx = perm[:n_tr], perm[n_tr:]
    model = make_model(X.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        model.train()
        order = tr_idx[torch.randperm(n_tr)]
        for s in range(0, n_tr, batch):
            b = order[s:s + batch]
            loss = nn.functional.mse_loss(model(X[b]).squeeze(-1), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if ep % 20 == 19:
            model.eval()
            with torch.no_grad():
                va = nn.functional.mse_loss(model(X[va_idx]).squeeze(-1), y[va_idx]).item()
            print(f"epoch {ep + 1}: train_mse={loss.item():.3f} val_mse={va:.3f}")
    return model


if __name__ == "__main__":
    write_logbook(LOGBOOK)
    trips = read_logbook(LOGBOOK)
    print(f"read {len(trips)} trips from {os.path.basename(LOGBOOK)}")
    X, y = featurize(trips)
    model = fit_cpue(X, y)
    with torch.no_grad():
        for g_i, g in enumerate(GEARS):
            probe = torch.zeros(1, X.shape[1])
            probe[0, g_i] = 1.0
            probe[0, len(GEARS) + 1] = 1.0
            print(f"{g:9s} predicted CPUE at mid-grid: {math.exp(model(probe).item()):.2f} kg/h")
