"""Estimate time-in-zone training impulse (TRIMP) from chest-strap heart-rate exports.

Export folder layout (one CSV per athlete per session, as written by the team's HR sync tool):
    hr_exports/roster.csv                  athlete_id,hr_max,hr_rest
    hr_exports/<athlete_id>_<date>.csv     t_s,hr_bpm
"""
import csv
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader, random_split

HERE = Path(__file__).resolve().parent
EXPORT_DIR = HERE / "hr_exports"
WINDOW_S = 120
rng = np.random.default_rng(21)
torch.manual_seed(21)


def write_fake_exports(n_athletes=10, n_sessions=5, duration_s=1200):
    EXPORT_DIR.mkdir(exist_ok=True)
    roster = []
    for a in range(n_athletes):
        aid = f"ATH{a + 1:03d}"
        hr_max = int(rng.integers(182, 204))
        hr_rest = int(rng.integers(44, 62))
        roster.append((aid, hr_max, hr_rest))
        for s in range(n_sessions):
            date = f"2024-03-{s * 2 + 4:02d}"
            t = np.arange(duration_s)
            intensity = 0.55 + 0.3 * np.sin(t / rng.uniform(90, 200)) + rng.normal(0, 0.04, t.shape)
            hr = hr_rest + np.clip(intensity, 0.2, 1.0) * (hr_max - hr_rest)
            with open(EXPORT_DIR / f"{aid}_{date}.csv", "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["t_s", "hr_bpm"])
                w.writerows(zip(t.tolist(), np.round(hr, 1).tolist()))
    with open(EXPORT_DIR / "roster.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["athlete_id", "hr_max", "hr_rest"])
        w.writerows(roster)


def load_roster(path):
    with open(path) as f:
        return {row["athlete_id"]: (float(row["hr_max"]), float(row["hr_rest"])) for row in csv.DictReader(f)}


def parse_export_name(fname):
    stem = os.path.splitext(fname)[0]
    parts = stem.split("_")
    return parts[0], parts[-1]


def banister_trimp(hrr_frac, dt_min=1 / 60):
    return float(np.sum(dt_min * hrr_frac * 0.64 * np.exp(1.92 * hrr_frac)))


class HRWindowDataset(Dataset):
    """Windows of heart-rate reserve fraction -> TRIMP of that window (per-minute scale)."""

    def __init__(self, export_dir, roster):
        self.windows, self.targets = [], []
        for fname in sorted(os.listdir(export_dir)):
            if fname == "roster.csv":
                continue
            athlete_id, session_date = parse_export_name(fname)
            hr_max, hr_rest = roster[athlete_id]
            with open(export_dir / fname) as f:
                hr = np.array([float(r["hr_bpm"]) for r in csv.DictReader(f)], dtype=np.float32)
            hrr = np.clip((hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
            for start in range(0, len(hrr) - WINDOW_S + 1, WINDOW_S // 2):
                w = hrr[start:start + WINDOW_S]
                self.windows.append(w)
                self.targets.append(banister_trimp(w))

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        return torch.from_numpy(self.windows[i]).unsqueeze(0), torch.tensor(self.targets[i])


class TrimpCNN(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(1, ch, 7, padding=3), nn.ReLU(),
            nn.MaxPool1d(4),
            nn.Conv1d(ch, ch, 5, padding=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(),
            nn.Linear(ch, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main():
    write_fake_exports()
    roster = load_roster(EXPORT_DIR / "roster.csv")
    ds = HRWindowDataset(EXPORT_DIR, roster)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=64, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    model = TrimpCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        model.train()
        for x, y in train_dl:
            loss = nn.functional.mse_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            errs = [torch.abs(model(x) - y) for x, y in val_dl]
        print(f"epoch {epoch}: val MAE {torch.cat(errs).mean().item():.3f} TRIMP")


if __name__ == "__main__":
    main()
