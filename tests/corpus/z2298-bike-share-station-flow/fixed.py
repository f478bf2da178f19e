import csv
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "bike_data")
STATIONS_CSV = os.path.join(DATA_DIR, "stations.csv")
TRIPS_CSV = os.path.join(DATA_DIR, "trips_2023_06.csv")
N_STATIONS = 40
N_TRIPS = 6000


def export_raw_data(seed=3):
    """Mimics the operator's nightly export: station table + trip log."""
    os.makedirs(DATA_DIR, exist_ok=True)
    rnd = random.Random(seed)
    with open(STATIONS_CSV, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["station_id", "name", "capacity", "lat", "lon"])
        for sid in range(1, N_STATIONS + 1):
            w.writerow([sid, f"Dock {sid}", rnd.choice([15, 19, 23, 27, 31]),
                        round(40.70 + rnd.random() * 0.08, 5), round(-74.02 + rnd.random() * 0.06, 5)])
    t0 = datetime(2023, 6, 1)
    with open(TRIPS_CSV, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ride_id", "started_at", "ended_at", "start_station_id", "end_station_id", "member"])
        for k in range(N_TRIPS):
            start = t0 + timedelta(minutes=rnd.randint(0, 30 * 24 * 60))
            dur = timedelta(minutes=max(2, int(rnd.gauss(14, 6))))
            s, e = rnd.randint(1, N_STATIONS), rnd.randint(1, N_STATIONS)
            w.writerow([f"R{k:06d}", start.strftime("%Y-%m-%d %H:%M:%S"),
                        (start + dur).strftime("%Y-%m-%d %H:%M:%S"),
                        f"{s:04d}", f"{e:04d}", rnd.random() < 0.7])


def load_stations(path):
    stations = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            stations[row["station_id"]] = {
                "capacity": int(row["capacity"]),
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
            }
    return stations


def hourly_flows(trips_path, stations):
    """Net bike flow (arrivals - departures) per station per hour, normalised by dock capacity."""
    order = sorted(stations, key=int)
    col = {sid: j for j, sid in enumerate(order)}
    flows = defaultdict(lambda: np.zeros(len(order), dtype=np.float32))
    with open(trips_path) as f:
        for row in csv.DictReader(f):
            h_out = row["started_at"][:13]
            h_in = row["ended_at"][:13]
            s, e = str(int(row["start_station_id"])), str(int(row["end_station_id"]))
            flows[h_out][col[s]] -= 1.0 / stations[s]["capacity"]
            flows[h_in][col[e]] += 1.0 / stations[e]["capacity"]
    hours = sorted(flows)
    return hours, np.stack([flows[h] for h in hours])


def make_supervised(series, lags=6):
    X, Y = [], []
    for t in range(lags, len(series)):
        X.append(series[t - lags:t].reshape(-1))
        Y.append(series[t])
    return torch.tensor(np.array(X)), torch.tensor(np.array(Y))


def train_mlp(X, Y, epochs=20, lr=1e-3):
    n_tr = int(0.8 * len(X))
    model = nn.Sequential(nn.Linear(X.shape[1], 128), nn.ReLU(), nn.Linear(128, Y.shape[1]))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(epochs):
        perm = torch.randperm(n_tr)
        for i in range(0, n_tr, 64):
            idx = perm[i:i + 64]
            loss = nn.functional.mse_loss(model(X[idx]), Y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if ep % 10 == 9:
            with torch.no_grad():
                val = nn.functional.mse_loss(model(X[n_tr:]), Y[n_tr:]).item()
            print(f"epoch {ep + 1}: train {loss.item():.5f}  val {val:.5f}")
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    export_raw_data()
    stations = load_stations(STATIONS_CSV)
    hours, series = hourly_flows(TRIPS_CSV, stations)
    print(f"{len(hours)} hourly snapshots x {series.shape[1]} stations")
    X, Y = make_supervised(series)
    train_mlp(X, Y)
