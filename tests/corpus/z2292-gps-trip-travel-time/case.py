import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

SEED = 7
MAX_ACCURACY_M = 25.0
N_TRIPS = 120
EARTH_R = 6371000.0

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate_trip(rng):
    n = rng.integers(30, 70)
    start = np.array([41.88, -87.63]) + rng.normal(0, 0.02, size=2)
    heading = rng.uniform(0, 2 * math.pi)
    step = rng.uniform(0.0002, 0.0006, size=n)
    turn = np.cumsum(rng.normal(0, 0.15, size=n))
    lat = start[0] + np.cumsum(step * np.cos(heading + turn))
    lon = start[1] + np.cumsum(step * np.sin(heading + turn))
    ts = np.cumsum(rng.uniform(3.0, 12.0, size=n))
    acc = rng.gamma(2.0, 6.0, size=n)
    return {
        "xy": torch.tensor(np.stack([lat, lon], 1), dtype=torch.float64),
        "ts": torch.tensor(ts, dtype=torch.float64),
        "acc": torch.tensor(acc, dtype=torch.float32),
        "duration": float(ts[-1] - ts[0]),
    }


def haversine(p, q):
    lat1, lon1 = torch.deg2rad(p[0]), torch.deg2rad(p[1])
    lat2, lon2 = torch.deg2rad(q[0]), torch.deg2rad(q[1])
    a = torch.sin((lat2 - lat1) / 2) ** 2 + torch.cos(lat1) * torch.cos(lat2) * torch.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_R * torch.asin(torch.sqrt(a))


def drop_noisy_fixes(xy, acc, max_acc):
    keep = acc <= max_acc
    return xy[keep]


def segment_features(xy, ts):
    feats = []
    for i in range(1, ts.shape[0]):
        dist = haversine(xy[i - 1], xy[i])
        dt = ts[i] - ts[i - 1]
        bearing = torch.atan2(xy[i, 1] - xy[i - 1, 1], xy[i, 0] - xy[i - 1, 0])
        feats.append(torch.stack([dist / 100.0, dt / 10.0, torch.sin(bearing), torch.cos(bearing)]))
    return torch.stack(feats).float()


class TravelTimeGRU(nn.Module):
    def __init__(self, in_dim=4, hidden=32):
        super().__init__()
        self.proj = nn.Linear(in_dim, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x, lengths):
        h = torch.relu(self.proj(x))
        packed = pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.head(h_n[-1]).squeeze(-1)


def build_dataset(trips):
    seqs, targets = [], []
    for trip in trips:
        xy = drop_noisy_fixes(trip["xy"], trip["acc"], MAX_ACCURACY_M)
        ts = trip["ts"]
        if xy.shape[0] < 5:
            continue
        seqs.append(segment_features(xy, ts))
        targets.append(trip["duration"] / 60.0)
    return seqs, torch.tensor(targets, dtype=torch.float32)


def main():
    rng = np.random.default_rng(SEED)
    trips = [simulate_trip(rng) for _ in range(N_TRIPS)]
    seqs, y = build_dataset(trips)
    print(f"kept {len(seqs)} trips, mean duration {y.mean():.1f} min")

    n_train = int(0.8 * len(seqs))
    model = TravelTimeGRU()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.SmoothL1Loss()
    batch_size = 16

    for epoch in range(5):
        model.train()
        order = torch.randperm(n_train).tolist()
        total = 0.0
        for b in range(0, n_train, batch_size):
            idx = order[b:b + batch_size]
            batch = [seqs[i] for i in idx]
            lengths = torch.tensor([s.shape[0] for s in batch])
            x = pad_sequence(batch, batch_first=True)
            pred = model(x, lengths)
            loss = loss_fn(pred, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            val = seqs[n_train:]
            lengths = torch.tensor([s.shape[0] for s in val])
            pred = model(pad_sequence(val, batch_first=True), lengths)
            mae = (pred - y[n_train:]).abs().mean().item()
        print(f"epoch {epoch} train_loss {total / n_train:.3f} val_mae {mae:.2f} min")


if __name__ == "__main__":
    main()
