import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CFG = {
    "n_fires": 60,
    "min_days": 5,
    "max_days": 21,
    "features": ["frp_mw", "wind_ms", "rel_humidity", "vpd_kpa", "burned_km2"],
    "spread_threshold_km2": 1.5,
    "hidden": 32,
    "batch_size": 8,
    "epochs": 3,
    "lr": 2e-3,
    "seed": 3,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


def simulate_fire(n_days):
    burned = 0.5
    rows, growth = [], []
    for d in range(n_days):
        wind = abs(np.random.normal(6, 3))
        rh = np.clip(np.random.normal(30, 12), 5, 95)
        vpd = max(0.2, 3.5 - rh / 30 + np.random.normal(0, 0.3))
        frp = max(0.0, 50 * burned ** 0.5 * (1 + 0.1 * wind) * math.exp(-rh / 60))
        delta = max(0.0, 0.08 * wind * vpd + np.random.normal(0, 0.4))
        rows.append([frp, wind, rh, vpd, burned])
        growth.append(delta)
        burned += delta
    return np.array(rows, dtype=np.float32), np.array(growth, dtype=np.float32)


class FireSeriesDataset(Dataset):
    def __init__(self, n_fires):
        self.items = []
        for _ in range(n_fires):
            n_days = random.randint(CFG["min_days"], CFG["max_days"] - 1)
            feats, growth = simulate_fire(n_days)
            spread = (growth > CFG["spread_threshold_km2"]).astype(np.int64)
            self.items.append((feats, spread))
        all_feats = np.concatenate([f for f, _ in self.items])
        self.mean = all_feats.mean(0)
        self.std = all_feats.std(0) + 1e-6

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        feats, spread = self.items[idx]
        feats = (feats - self.mean) / self.std
        return torch.from_numpy(feats), torch.from_numpy(spread)


def pad_series(seqs, length, fill=0.0):
    out = seqs[0].new_full((len(seqs), length) + tuple(seqs[0].shape[1:]), fill)
    for i, s in enumerate(seqs):
        out[i, : s.shape[0]] = s
    return out


def collate_fires(batch):
    feats, labels = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in feats])
    max_len = int(lengths.max())
    x = pad_series(feats, max_len)
    y = pad_series(labels, max_len, fill=-100)
    return x, y, lengths


class SpreadGRU(nn.Module):
    def __init__(self, n_features, hidden):
        super().__init__()
        self.inp = nn.Linear(n_features, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x, lengths):
        h = torch.relu(self.inp(x))
        packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return self.out(out)


def train():
    ds = FireSeriesDataset(CFG["n_fires"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_fires)
    model = SpreadGRU(len(CFG["features"]), CFG["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(CFG["epochs"]):
        epoch_loss, n_days, n_hit = 0.0, 0, 0
        for x, y, lengths in loader:
            logits = model(x, lengths)
            loss = loss_fn(logits.reshape(-1, 2), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            valid = y != -100
            epoch_loss += loss.item() * valid.sum().item()
            n_hit += (logits.argmax(-1)[valid] == y[valid]).sum().item()
            n_days += valid.sum().item()
        print(f"epoch {epoch}: loss/day={epoch_loss / n_days:.4f} day-acc={n_hit / n_days:.3f}")


if __name__ == "__main__":
    train()
