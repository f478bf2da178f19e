import csv
import os
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
SALES_CSV = os.path.join(HERE, "store_sku_daily.csv")

LOOKBACK = 21
LEAD_TIME = 5
N_STORES = 5
N_SKUS = 50
N_DAYS = 70
FEATURES = ["units", "on_hand", "on_promo"]


def write_sales_extract(path, seed=5):
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["day", "store_id", "sku", "units", "on_hand", "on_promo"])
        for store in range(N_STORES):
            for sku in range(N_SKUS):
                launch_day = 0 if rng.random() > 0.15 else int(rng.integers(N_DAYS - 20, N_DAYS - 5))
                rate = rng.gamma(2.0, 2.5)
                on_hand = int(rate * 10)
                for day in range(launch_day, N_DAYS):
                    promo = int(rng.random() < 0.07)
                    units = min(on_hand, int(rng.poisson(rate * (1.9 if promo else 1.0))))
                    on_hand -= units
                    if on_hand < rate * 3:
                        on_hand += int(rate * 12)
                    w.writerow([day, f"S{store:03d}", f"SKU{sku:05d}", units, on_hand, promo])


def load_series(path):
    series = defaultdict(list)
    with open(path) as fh:
        for row in csv.DictReader(fh):
            key = (row["store_id"], row["sku"])
            series[key].append([float(row[f]) for f in FEATURES])
    return {k: np.asarray(v, dtype=np.float32) for k, v in series.items()}


class ReplenishmentDataset(Dataset):
    def __init__(self, series, lookback, lead_time):
        self.series = series
        self.lookback = lookback
        self.lead_time = lead_time
        self.keys = sorted(series)
        self.store_vocab = {s: i for i, s in enumerate(sorted({k[0] for k in self.keys}))}
        self.sku_vocab = {s: i for i, s in enumerate(sorted({k[1] for k in self.keys}))}

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, idx):
        key = self.keys[idx]
        arr = self.series[key]
        if len(arr) < self.lookback + self.lead_time:
            return None
        cut = len(arr) - self.lead_time
        hist = arr[cut - self.lookback:cut]
        demand_over_lead = arr[cut:, 0].sum()
        return {
            "history": torch.from_numpy(hist),
            "store_idx": self.store_vocab[key[0]],
            "sku_idx": self.sku_vocab[key[1]],
            "on_hand_now": float(hist[-1, 1]),
            "target": float(demand_over_lead),
        }


def replenishment_collate(batch):
    hist = torch.stack([b["history"] for b in batch])
    hist = torch.cat([torch.log1p(hist[..., :2]), hist[..., 2:]], dim=-1)
    return {
        "history": hist,
        "store_idx": torch.tensor([b["store_idx"] for b in batch]),
        "sku_idx": torch.tensor([b["sku_idx"] for b in batch]),
        "on_hand_now": torch.tensor([b["on_hand_now"] for b in batch]),
        "target": torch.tensor([b["target"] for b in batch]),
    }


class LeadTimeDemandModel(nn.Module):
    def __init__(self, n_stores, n_skus, lookback, n_feats, emb=6):
        super().__init__()
        self.store = nn.Embedding(n_stores, emb)
        self.sku = nn.Embedding(n_skus, emb)
        self.mlp = nn.Sequential(
            nn.Linear(lookback * n_feats + 2 * emb, 64), nn.ReLU(), nn.Linear(64, 1)
        )

    def forward(self, history, store_idx, sku_idx):
        z = torch.cat([history.flatten(1), self.store(store_idx), self.sku(sku_idx)], dim=-1)
        return self.mlp(z).squeeze(-1)


def order_quantity(pred_log_rate, on_hand_now, safety=1.2):
    expected = torch.exp(pred_log_rate) * safety
    return torch.clamp(expected - on_hand_now, min=0).round()


def main():
    torch.manual_seed(0)
    write_sales_extract(SALES_CSV)
    series = load_series(SALES_CSV)
    ds = ReplenishmentDataset(series, LOOKBACK, LEAD_TIME)
    print(f"{len(ds)} store-sku series loaded from {os.path.basename(SALES_CSV)}")
    loader = DataLoader(ds, batch_size=32, shuffle=True, collate_fn=replenishment_collate)

    model = LeadTimeDemandModel(len(ds.store_vocab), len(ds.sku_vocab), LOOKBACK, len(FEATURES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.PoissonNLLLoss(log_input=True)

    for epoch in range(5):
        total = 0.0
        for batch in loader:
            log_rate = model(batch["history"], batch["store_idx"], batch["sku_idx"])
            loss = loss_fn(log_rate, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(log_rate)
        print(f"epoch {epoch}: poisson nll {total / len(ds):.3f}")

    model.eval()
    with torch.no_grad():
        batch = next(iter(DataLoader(ds, batch_size=8, collate_fn=replenishment_collate)))
        log_rate = model(batch["history"], batch["store_idx"], batch["sku_idx"])
        print("suggested orders:", order_quantity(log_rate, batch["on_hand_now"]).tolist())


if __name__ == "__main__":
    main()
