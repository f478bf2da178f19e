"""
Drill-level external -> internal load model.

Each training session is recorded by the GPS vests at 10 Hz. The coaching staff
tag drill boundaries in the session (sample indices), and after every drill the
players give a drill RPE (CR-10). We summarise the GPS trace for every drill and
fit a small regressor: GPS drill summary -> drill RPE.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn

SEED = 11
HZ = 10
HSR_THRESHOLD = 5.5      # m/s, high-speed running
SPRINT_THRESHOLD = 7.0   # m/s
ACC_THRESHOLD = 2.5      # m/s^2

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate_session(n_drills, rng):
    """Fake a GPS speed trace with drills of varying intensity, plus drill RPE."""
    drill_lengths = rng.integers(3 * 60 * HZ, 9 * 60 * HZ, size=n_drills)
    intensities = rng.uniform(0.3, 1.0, size=n_drills)
    speed_chunks = []
    for length, inten in zip(drill_lengths, intensities):
        base = 1.5 + 4.0 * inten
        noise = rng.normal(0, 0.8 + inten, size=length)
        bursts = (rng.random(length) < 0.01 * inten) * rng.uniform(2, 4, size=length)
        speed_chunks.append(np.clip(base + noise + bursts, 0, 9.8))
    speed = np.concatenate(speed_chunks)
    drill_edges = np.concatenate([[0], np.cumsum(drill_lengths)])
    rpe = np.clip(2 + 7 * intensities + rng.normal(0, 0.5, size=n_drills), 1, 10)
    return {
        "speed": torch.tensor(speed, dtype=torch.float32),
        "drill_edges": torch.tensor(drill_edges, dtype=torch.long),
        "drill_rpe": torch.tensor(rpe, dtype=torch.float32),
    }


def drill_summary(speed_seg):
    """External load features for one drill."""
    dt = 1.0 / HZ
    acc = torch.diff(speed_seg, prepend=speed_seg[:1]) / dt
    duration_min = speed_seg.numel() * dt / 60.0
    total_dist = (speed_seg * dt).sum()
    hsr_dist = (speed_seg * dt * (speed_seg > HSR_THRESHOLD)).sum()
    sprint_dist = (speed_seg * dt * (speed_seg > SPRINT_THRESHOLD)).sum()
    n_acc = (acc > ACC_THRESHOLD).float().sum()
    n_dec = (acc < -ACC_THRESHOLD).float().sum()
    return torch.stack([
        total_dist / duration_min / 100.0,     # m/min (scaled)
        hsr_dist / 100.0,
        sprint_dist / 50.0,
        n_acc / duration_min,
        n_dec / duration_min,
        torch.tensor(duration_min / 10.0),
        speed_seg.max() / 10.0,
    ])


def session_features(session):
    speed = session["speed"]
    edges = session["drill_edges"]
    feats = []
    for start, stop in zip(edges[:-1].tolist(), edges[1:].tolist()):
        feats.append(drill_summary(speed[start:stop]))
    return torch.stack(feats)


rng = np.random.default_rng(SEED)
sessions = [simulate_session(int(rng.integers(4, 8)), rng) for _ in range(24)]
for s in sessions:
    s["drill_feats"] = session_features(s)

train_sessions, val_sessions = sessions[:20], sessions[20:]

model = nn.Sequential(
    nn.Linear(7, 32),
    nn.ReLU(),
    nn.Dropout(0.1),
    nn.Linear(32, 1),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
loss_fn = nn.SmoothL1Loss()


def run_epoch(session_list, train=True):
    model.train(train)
    total, count = 0.0, 0
    for session in session_list:
        feats = session["drill_feats"]
        rpe = session["drill_rpe"]
        n_drills = feats.shape[0]
        session_loss = 0.0
        for d in range(n_drills):
            pred = model(feats[d]).squeeze(-1)
            session_loss = session_loss + loss_fn(pred, rpe[d])
        session_loss = session_loss / n_drills
        if train:
            optimizer.zero_grad()
            session_loss.backward()
            optimizer.step()
        total += session_loss.item()
        count += 1
    return total / max(count, 1)


for epoch in range(15):
    tr = run_epoch(train_sessions, train=True)
    with torch.no_grad():
        va = run_epoch(val_sessions, train=False)
    if epoch % 5 == 0 or epoch == 14:
        print(f"epoch {epoch:02d}  train {tr:.3f}  val {va:.3f}  (val rmse~{math.sqrt(2 * va):.2f} RPE)")

with torch.no_grad():
    s = val_sessions[0]
    preds = model(s["drill_feats"]).squeeze(-1)
    for i, (p, t) in enumerate(zip(preds.tolist(), s["drill_rpe"].tolist())):
        print(f"drill {i}: predicted RPE {p:.1f}  reported {t:.1f}")
