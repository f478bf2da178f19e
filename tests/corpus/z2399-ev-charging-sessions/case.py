"""Predict delivered energy of EV charging sessions from the first minutes of the power curve.

Sessions come from a depot charging-log export (sessions.csv) plus a station
registry (stations.csv) holding each charger's rated power. Power profiles have
variable length, so batches are padded in a custom collate_fn.
"""
import csv
import os
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
SESSIONS_CSV = os.path.join(HERE, "sessions.csv")
STATIONS_CSV = os.path.join(HERE, "stations.csv")
OBS_MINUTES = 15

SITES = ["Depot North", "Harbour Rd, Level 2", "Airport Long-Stay", "Mall P3, Bay C"]


def write_logs(n_sessions=300, seed=0):
    rng = random.Random(seed)
    stations = {f"CP-{i:03d}": rng.choice([7.4, 11.0, 22.0, 50.0]) for i in range(12)}
    with open(STATIONS_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["station_id", "rated_kw"])
        for sid, kw in stations.items():
            w.writerow([sid, kw])
    with open(SESSIONS_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["session_id", "site", "station_id", "plug_in_hour", "energy_kwh", "power_trace"])
        for s in range(n_sessions):
            sid = rng.choice(list(stations))
            kw = stations[sid]
            duration = rng.randint(20, 90)
            taper_at = rng.randint(10, duration)
            trace = [round(kw * (0.95 if m < taper_at else 0.95 * 0.93 ** (m - taper_at))
                           * rng.uniform(0.9, 1.0), 2) for m in range(duration)]
            energy = sum(trace) / 60.0
            w.writerow([f"S{s:05d}", rng.choice(SITES), sid, rng.randint(0, 23),
                        round(energy, 3), ";".join(map(str, trace))])


def load_station_registry(path):
    with open(path) as fh:
        reader = csv.DictReader(fh)
        return {row["station_id"]: float(row["rated_kw"]) for row in reader}


class ChargingSessionDataset(Dataset):
    def __init__(self, path, rated_kw, obs_minutes=OBS_MINUTES):
        with open(path) as fh:
            header = fh.readline().rstrip("\n").split(",")
            self.lines = [ln.rstrip("\n") for ln in fh if ln.strip()]
        self.col = {name: i for i, name in enumerate(header)}
        self.rated_kw = rated_kw
        self.obs_minutes = obs_minutes

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, idx):
        fields = self.lines[idx].split(",")
        station = fields[self.col["station_id"]]
        kw = self.rated_kw[station]
        trace = [float(x) for x in fields[self.col["power_trace"]].split(";")]
        prefix = torch.tensor(trace[: self.obs_minutes]) / kw
        hour = int(fields[self.col["plug_in_hour"]])
        target = float(fields[self.col["energy_kwh"]]) / kw
        return prefix, torch.tensor([hour / 23.0, kw / 50.0]), torch.tensor(target)


def collate_sessions(batch):
    prefixes, static, targets = zip(*batch)
    lengths = torch.tensor([len(p) for p in prefixes])
    padded = pad_sequence(prefixes, batch_first=True).unsqueeze(-1)
    return padded, lengths, torch.stack(static), torch.stack(targets)


class EnergyRegressor(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.rnn = nn.GRU(1, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden + 2, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, padded, lengths, static):
        packed = nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        return self.head(torch.cat([h[-1], static], dim=-1)).squeeze(-1)


def main():
    torch.manual_seed(0)
    write_logs()
    rated_kw = load_station_registry(STATIONS_CSV)
    ds = ChargingSessionDataset(SESSIONS_CSV, rated_kw)
    loader = DataLoader(ds, batch_size=32, shuffle=True, collate_fn=collate_sessions)
    model = EnergyRegressor()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        total = 0.0
        for padded, lengths, static, target in loader:
            pred = model(padded, lengths, static)
            loss = nn.functional.smooth_l1_loss(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(target)
        print(f"epoch {epoch}: loss {total / len(ds):.4f}")


if __name__ == "__main__":
    main()
