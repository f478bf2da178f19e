"""Predict delivered energy (kWh) of an EV charging session from the first hour of its
1-minute charger log (power, pack voltage, current, reported SoC)."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

CFG = {
    "seed": 7,
    "n_sessions": 240,
    "window_min": 60,
    "batch_size": 16,
    "hidden": 48,
    "epochs": 2,
    "lr": 3e-3,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


def simulate_session(rng):
    """One charging session as a (minutes, 4) array plus the delivered kWh."""
    pack_kwh = rng.choice([40.0, 58.0, 75.0, 82.0])
    soc0 = rng.uniform(0.08, 0.55)
    plug_minutes = int(rng.integers(25, 181))
    max_kw = rng.choice([7.2, 11.0, 50.0, 150.0])
    soc = soc0
    rows = []
    delivered = 0.0
    for t in range(plug_minutes):
        taper = 1.0 if soc < 0.8 else max(0.15, (1.0 - soc) / 0.2)
        power = max_kw * taper * rng.uniform(0.93, 1.0)
        voltage = 330.0 + 80.0 * soc + rng.normal(0, 1.5)
        current = power * 1000.0 / voltage
        delivered += power / 60.0
        soc = min(1.0, soc + power / 60.0 / pack_kwh)
        rows.append((power, voltage, current, soc))
        if soc >= 0.999:
            break
    return np.asarray(rows, dtype=np.float32), delivered


class ChargingSessionDataset(Dataset):
    def __init__(self, n_sessions, window_min, seed):
        rng = np.random.default_rng(seed)
        self.window = window_min
        self.logs, self.energy = [], []
        for _ in range(n_sessions):
            log, kwh = simulate_session(rng)
            self.logs.append(log)
            self.energy.append(kwh)
        stacked = np.concatenate(self.logs, axis=0)
        self.mu = stacked.mean(axis=0)
        self.sd = stacked.std(axis=0) + 1e-6

    def __len__(self):
        return len(self.logs)

    def __getitem__(self, idx):
        head = self.logs[idx][: self.window]
        head = (head - self.mu) / self.sd
        return {
            "log": torch.from_numpy(head),
            "length": head.shape[0],
            "kwh": torch.tensor(math.log1p(self.energy[idx]), dtype=torch.float32),
        }


def collate_sessions(batch):
    logs = torch.stack([b["log"] for b in batch])
    lengths = torch.tensor([b["length"] for b in batch], dtype=torch.long)
    target = torch.stack([b["kwh"] for b in batch])
    return logs, lengths, target


class SessionEnergyRegressor(nn.Module):
    def __init__(self, n_feat, hidden):
        super().__init__()
        self.gru = nn.GRU(n_feat, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, logs, lengths):
        packed = pack_padded_sequence(logs, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.head(h_n[-1]).squeeze(-1)


def run_epoch(model, loader, opt, loss_fn):
    model.train()
    total, n = 0.0, 0
    for logs, lengths, target in loader:
        opt.zero_grad()
        pred = model(logs, lengths)
        loss = loss_fn(pred, target)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * target.size(0)
        n += target.size(0)
    return total / n


def main():
    ds = ChargingSessionDataset(CFG["n_sessions"], CFG["window_min"], CFG["seed"])
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_sessions)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_sessions)

    model = SessionEnergyRegressor(n_feat=4, hidden=CFG["hidden"])
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.SmoothL1Loss()

    for epoch in range(CFG["epochs"]):
        tr = run_epoch(model, train_dl, opt, loss_fn)
        model.eval()
        with torch.no_grad():
            errs = []
            for logs, lengths, target in val_dl:
                pred = model(logs, lengths)
                errs.append((torch.expm1(pred) - torch.expm1(target)).abs())
            mae = torch.cat(errs).mean().item()
        print(f"epoch {epoch}  train_loss={tr:.4f}  val_MAE={mae:.2f} kWh")


if __name__ == "__main__":
    main()
