"""Plasma etch chamber fault detection from per-wafer sensor traces.

Each wafer run logs RF forward power, reflected power, chamber pressure, ESC
temperature, CF4 flow and O2 flow at 1 Hz. Endpoint detection ends the main
etch at a different time for every wafer, so the traces have variable length.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

SENSORS = ["rf_fwd_w", "rf_refl_w", "pressure_mtorr", "esc_temp_c", "cf4_sccm", "o2_sccm"]

CFG = {
    "n_wafers": 160,
    "nominal_len": 150,
    "batch_size": 16,
    "hidden": 32,
    "epochs": 2,
    "lr": 3e-3,
    "seed": 7,
}


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def simulate_run(rng, faulty):
    # endpoint typically lands around the nominal recipe time, with over-etch on some lots
    n = int(rng.integers(110, 185))
    t = np.arange(n)
    rf = 500 + 5 * rng.standard_normal(n)
    refl = 8 + rng.standard_normal(n)
    pres = 40 + 0.02 * t + 0.5 * rng.standard_normal(n)
    esc = 60 + 0.5 * rng.standard_normal(n)
    cf4 = 80 + rng.standard_normal(n)
    o2 = 12 + 0.3 * rng.standard_normal(n)
    if faulty:
        start = int(rng.integers(20, n - 20))
        refl[start:] += rng.uniform(6, 15)
        pres[start:] += rng.uniform(1, 3)
    trace = np.stack([rf, refl, pres, esc, cf4, o2], axis=1)
    return trace.astype(np.float32)


class EtchTraceDataset(Dataset):
    def __init__(self, n_wafers, seed):
        rng = np.random.default_rng(seed)
        self.labels = (rng.random(n_wafers) < 0.3).astype(np.int64)
        self.traces = [simulate_run(rng, f) for f in self.labels]
        allv = np.concatenate(self.traces, axis=0)
        self.mu = allv.mean(0)
        self.sd = allv.std(0) + 1e-6
        self.wafer_ids = [f"W{idx:04d}" for idx in range(n_wafers)]

    def __len__(self):
        return len(self.traces)

    def __getitem__(self, i):
        x = (self.traces[i] - self.mu) / self.sd
        return {
            "wafer_id": self.wafer_ids[i],
            "trace": torch.from_numpy(x),
            "length": x.shape[0],
            "label": int(self.labels[i]),
        }


def pad_trace(x, target_len):
    if x.shape[0] < target_len:
        pad = torch.zeros(target_len - x.shape[0], x.shape[1], dtype=x.dtype)
        x = torch.cat([x, pad], dim=0)
    return x


def make_collate(target_len):
    def collate(batch):
        lengths = torch.tensor([b["length"] for b in batch])
        pad_to = max(target_len, int(lengths.max()))
        traces = torch.stack([pad_trace(b["trace"], pad_to) for b in batch])
        labels = torch.tensor([b["label"] for b in batch])
        return {
            "wafer_id": [b["wafer_id"] for b in batch],
            "trace": traces,
            "lengths": lengths,
            "label": labels,
        }
    return collate


class TraceGRUClassifier(nn.Module):
    def __init__(self, n_sensors, hidden):
        super().__init__()
        self.gru = nn.GRU(n_sensors, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        h = torch.cat([h[-2], h[-1]], dim=1)
        return self.head(h)


def train(cfg):
    seed_everything(cfg["seed"])
    ds = EtchTraceDataset(cfg["n_wafers"], cfg["seed"])
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True,
                        collate_fn=make_collate(cfg["nominal_len"]))
    model = TraceGRUClassifier(len(SENSORS), cfg["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    class_w = torch.tensor([1.0, 2.0])
    loss_fn = nn.CrossEntropyLoss(weight=class_w)

    for epoch in range(cfg["epochs"]):
        model.train()
        tot, correct, seen = 0.0, 0, 0
        for batch in loader:
            logits = model(batch["trace"], batch["lengths"])
            loss = loss_fn(logits, batch["label"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += loss.item() * len(batch["label"])
            correct += (logits.argmax(1) == batch["label"]).sum().item()
            seen += len(batch["label"])
        print(f"epoch {epoch} loss {tot / seen:.4f} acc {correct / seen:.3f}")
    return model


if __name__ == "__main__":
    train(CFG)
