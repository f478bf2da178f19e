import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

DATA_DIR = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(DATA_DIR, "ontime_sample.csv")

AIRPORTS = ["ATL", "ORD", "DFW", "DEN", "LAX", "JFK", "SFO", "SEA", "MSP", "BOS"]
CARRIERS = ["AA", "DL", "UA", "WN", "AS", "B6"]
NUMERIC_COLS = ["dep_hour", "distance", "dep_delay", "taxi_out", "wx_precip_mm", "wx_wind_kt"]
CAT_COLS = ["carrier", "origin", "dest"]
TARGET = "arr_delay"


def write_synthetic_ontime(path, n=600):
    fields = ["fl_date", "carrier", "origin", "dest", "dep_hour", "distance", "dep_delay",
              "taxi_out", "wx_precip_mm", "wx_wind_kt", "cancelled", "arr_delay"]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for i in range(n):
            o, d = rng.choice(AIRPORTS, 2, replace=False)
            precip = max(0.0, rng.normal(1.0, 3.0))
            wind = abs(rng.normal(10, 6))
            cancelled = rng.random() < 0.02 + 0.01 * precip
            dep_delay = max(-10.0, rng.gamma(1.5, 12) + 4 * precip - 8)
            row = {
                "fl_date": f"2023-07-{1 + i % 28:02d}",
                "carrier": rng.choice(CARRIERS),
                "origin": o,
                "dest": d,
                "dep_hour": int(rng.integers(5, 23)),
                "distance": int(rng.integers(200, 2600)),
                "dep_delay": "" if cancelled else round(dep_delay, 1),
                "taxi_out": "" if cancelled else round(rng.normal(16, 5), 1),
                "wx_precip_mm": round(precip, 2),
                "wx_wind_kt": round(wind, 1),
                "cancelled": int(cancelled),
                "arr_delay": "" if cancelled else round(dep_delay + rng.normal(0, 9) + 0.3 * wind, 1),
            }
            w.writerow(row)


def parse_row(raw):
    rec = {}
    for k, v in raw.items():
        if v == "":
            continue
        rec[k] = float(v) if k in NUMERIC_COLS + [TARGET] else v
    return rec


def load_records(path):
    with open(path) as f:
        return [parse_row(r) for r in csv.DictReader(f) if r["cancelled"] != "1"]


class OnTimeDataset(Dataset):
    def __init__(self, records, vocabs):
        self.records = records
        self.vocabs = vocabs

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        return self.records[i]


def make_collate(vocabs, stats):
    mean, std = stats

    def collate(batch):
        num = torch.tensor([[r[c] for c in NUMERIC_COLS] for r in batch], dtype=torch.float32)
        num = (num - mean) / std
        cats = torch.tensor([[vocabs[c][r[c]] for c in CAT_COLS] for r in batch], dtype=torch.long)
        y = torch.tensor([r[TARGET] for r in batch], dtype=torch.float32)
        return num, cats, y

    return collate


class DelayRegressor(nn.Module):
    def __init__(self, vocab_sizes, n_num, emb_dim=8, hidden=64):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(v, emb_dim) for v in vocab_sizes])
        self.mlp = nn.Sequential(
            nn.Linear(n_num + emb_dim * len(vocab_sizes), hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, num, cats):
        e = [emb(cats[:, j]) for j, emb in enumerate(self.embs)]
        return self.mlp(torch.cat([num] + e, dim=1)).squeeze(-1)


def main():
    write_synthetic_ontime(CSV_PATH)
    records = load_records(CSV_PATH)

    vocabs = {c: {v: i for i, v in enumerate(sorted({r[c] for r in records}))} for c in CAT_COLS}
    observed = np.array([[r.get(c, np.nan) for c in NUMERIC_COLS] for r in records], dtype=np.float32)
    mean = torch.tensor(np.nanmean(observed, axis=0))
    std = torch.tensor(np.nanstd(observed, axis=0) + 1e-6)

    n_train = int(0.85 * len(records))
    train_ds = OnTimeDataset(records[:n_train], vocabs)
    val_ds = OnTimeDataset(records[n_train:], vocabs)
    collate = make_collate(vocabs, (mean, std))
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate)

    model = DelayRegressor([len(vocabs[c]) for c in CAT_COLS], len(NUMERIC_COLS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.HuberLoss(delta=15.0)

    for epoch in range(3):
        model.train()
        for num, cats, y in train_dl:
            loss = loss_fn(model(num, cats), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            mae = torch.cat([(model(n, c) - y).abs() for n, c, y in val_dl]).mean()
        print(f"epoch {epoch} train_loss={loss.item():.2f} val_MAE={mae.item():.1f} min")


if __name__ == "__main__":
    main()
