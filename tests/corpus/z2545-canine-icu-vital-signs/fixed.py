"""Early-warning model for hospitalised dogs.

Each ICU stay is a multivariate series of hourly vitals (HR, RR, temp, SBP,
SpO2). A GRU reads the stay and predicts whether the patient deteriorates
(CPR / transfer to critical care) in the next 12 h.
"""
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
VITALS_CSV = os.path.join(HERE, "icu_vitals.csv")
VITAL_COLS = ["heart_rate", "resp_rate", "temp_c", "sbp", "spo2"]
NORMALS = {"heart_rate": (100, 20), "resp_rate": (24, 6), "temp_c": (38.6, 0.5), "sbp": (130, 15), "spo2": (97, 1.5)}


def simulate_icu_export(path, n_stays=40):
    """Write a long-format export like the one the hospital PIMS produces."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["stay_id", "hour"] + VITAL_COLS + ["deteriorated"])
        for s in range(n_stays):
            hours = int(rng.integers(6, 49))
            bad = int(rng.random() < 0.3)
            for h in range(hours):
                drift = (h / hours) if bad else 0.0
                row = [
                    NORMALS["heart_rate"][0] + 40 * drift + rng.normal(0, NORMALS["heart_rate"][1]),
                    NORMALS["resp_rate"][0] + 15 * drift + rng.normal(0, NORMALS["resp_rate"][1]),
                    NORMALS["temp_c"][0] - 1.0 * drift + rng.normal(0, NORMALS["temp_c"][1]),
                    NORMALS["sbp"][0] - 40 * drift + rng.normal(0, NORMALS["sbp"][1]),
                    NORMALS["spo2"][0] - 6 * drift + rng.normal(0, NORMALS["spo2"][1]),
                ]
                w.writerow([f"S{s:03d}", h] + [f"{v:.2f}" for v in row] + [bad])


class ICUStayDataset(Dataset):
    def __init__(self, csv_path):
        stays = {}
        with open(csv_path) as fh:
            for row in csv.DictReader(fh):
                stays.setdefault(row["stay_id"], {"rows": [], "y": int(row["deteriorated"])})
                stays[row["stay_id"]]["rows"].append([float(row[c]) for c in VITAL_COLS])
        self.stay_ids = sorted(stays)
        self.series = [np.asarray(stays[k]["rows"], dtype=np.float32) for k in self.stay_ids]
        self.labels = [stays[k]["y"] for k in self.stay_ids]
        self.mu = np.array([NORMALS[c][0] for c in VITAL_COLS], dtype=np.float32)
        self.sd = np.array([NORMALS[c][1] for c in VITAL_COLS], dtype=np.float32)

    def __len__(self):
        return len(self.stay_ids)

    def __getitem__(self, idx):
        x = (self.series[idx] - self.mu) / self.sd
        return {
            "stay_id": self.stay_ids[idx],
            "vitals": torch.from_numpy(x),
            "label": torch.tensor(self.labels[idx], dtype=torch.float32),
        }


def collate_stays(batch):
    lengths = torch.tensor([item["vitals"].shape[0] for item in batch])
    vitals = nn.utils.rnn.pad_sequence([item["vitals"] for item in batch], batch_first=True)
    labels = torch.stack([item["label"] for item in batch])
    return {
        "stay_ids": [item["stay_id"] for item in batch],
        "vitals": vitals,
        "lengths": lengths,
        "labels": labels,
    }


class VitalsGRU(nn.Module):
    def __init__(self, n_features, hidden=32):
        super().__init__()
        self.inp = nn.Linear(n_features, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, vitals, lengths):
        h = torch.relu(self.inp(vitals))
        packed = nn.utils.rnn.pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, last = self.gru(packed)
        return self.head(last[-1]).squeeze(-1)


def train_one_epoch(model, loader, opt, loss_fn):
    model.train()
    total, n = 0.0, 0
    for batch in loader:
        logits = model(batch["vitals"], batch["lengths"])
        loss = loss_fn(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * len(batch["labels"])
        n += len(batch["labels"])
    return total / n


if __name__ == "__main__":
    simulate_icu_export(VITALS_CSV)
    ds = ICUStayDataset(VITALS_CSV)
    print(f"{len(ds)} ICU stays, {sum(ds.labels)} deteriorated")
    loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate_stays)

    model = VitalsGRU(n_features=len(VITAL_COLS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    pos_weight = torch.tensor([(len(ds) - sum(ds.labels)) / max(sum(ds.labels), 1)])
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    for epoch in range(5):
        avg = train_one_epoch(model, loader, opt, loss_fn)
        print(f"epoch {epoch}  train BCE {avg:.4f}")
