"""Maize hybrid x N-rate trial: predict plot yield (t/ha) from management,
soil and in-season weather covariates. Trial sheet exported from the field
book as CSV."""
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import r2_score
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
TRIAL_CSV = os.path.join(HERE, "maize_trial_2023.csv")
HYBRIDS = ["P1197", "DKC62-08", "NK0760", "LG5525"]
TEXTURES = ["sandy_loam", "silt_loam", "clay_loam"]
NUMERIC = ["n_rate_kg_ha", "plant_density_k_ha", "soil_om_pct", "soil_ph", "gdd_silking", "rain_jul_mm"]


def write_field_book(path, n_plots=300, seed=21):
    rng = np.random.default_rng(seed)
    cols = ["plot_id", "block", "hybrid", "texture"] + NUMERIC + ["yield_t_ha", "notes"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for i in range(n_plots):
            hybrid = rng.integers(len(HYBRIDS))
            tex = rng.integers(len(TEXTURES))
            n_rate = rng.choice([0, 60, 120, 180, 240])
            dens = rng.uniform(70, 95)
            om = rng.uniform(1.2, 4.5)
            ph = rng.uniform(5.4, 7.6)
            gdd = rng.normal(1350, 60)
            rain = rng.gamma(3.0, 30.0)
            y = (6.0 + 0.35 * hybrid + 3.2 * (1 - np.exp(-n_rate / 90)) + 0.02 * (dens - 80)
                 + 0.4 * om - 0.3 * abs(ph - 6.5) + 0.012 * min(rain, 150) + rng.normal(0, 0.6))
            notes = ""
            yield_cell = f"{y:.2f}"
            if rng.random() < 0.07:
                notes, yield_cell = "hail 08-14, not harvested", ""
            w.writerow([f"P{i:03d}", i % 4 + 1, HYBRIDS[hybrid], TEXTURES[tex],
                        n_rate, f"{dens:.1f}", f"{om:.2f}", f"{ph:.2f}", f"{gdd:.0f}", f"{rain:.1f}",
                        yield_cell, notes])


def load_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


class YieldTrialDataset(Dataset):
    def __init__(self, rows, stats=None):
        self.rows = [r for r in rows if r["yield_t_ha"]]
        if stats is None:
            num = np.array([[float(r[c]) for c in NUMERIC] for r in rows], dtype=np.float32)
            stats = (num.mean(0), num.std(0) + 1e-6)
        self.stats = stats

    def __len__(self):
        return len(self.rows)

    def encode(self, row):
        num = (np.array([float(row[c]) for c in NUMERIC], dtype=np.float32) - self.stats[0]) / self.stats[1]
        hyb = np.eye(len(HYBRIDS), dtype=np.float32)[HYBRIDS.index(row["hybrid"])]
        tex = np.eye(len(TEXTURES), dtype=np.float32)[TEXTURES.index(row["texture"])]
        return np.concatenate([num, hyb, tex])

    def __getitem__(self, idx):
        row = self.rows[idx]
        if not row["yield_t_ha"]:
            return None
        return {
            "plot_id": row["plot_id"],
            "x": torch.from_numpy(self.encode(row)),
            "y": torch.tensor(float(row["yield_t_ha"])),
        }


def collate_plots(batch):
    return {
        "plot_id": [b["plot_id"] for b in batch],
        "x": torch.stack([b["x"] for b in batch]),
        "y": torch.stack([b["y"] for b in batch]),
    }


def make_model(n_in):
    return nn.Sequential(
        nn.Linear(n_in, 64), nn.SiLU(), nn.Dropout(0.1),
        nn.Linear(64, 32), nn.SiLU(),
        nn.Linear(32, 1),
    )


def main():
    torch.manual_seed(21)
    write_field_book(TRIAL_CSV)
    rows = load_rows(TRIAL_CSV)
    train_rows = [r for r in rows if r["block"] != "4"]
    test_rows = [r for r in rows if r["block"] == "4"]

    train_ds = YieldTrialDataset(train_rows)
    test_ds = YieldTrialDataset(test_rows, stats=train_ds.stats)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_plots)
    test_dl = DataLoader(test_ds, batch_size=64, collate_fn=collate_plots)

    model = make_model(len(NUMERIC) + len(HYBRIDS) + len(TEXTURES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(20):
        model.train()
        for batch in train_dl:
            pred = model(batch["x"]).squeeze(-1)
            loss = loss_fn(pred, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            model.eval()
            preds, obs = [], []
            with torch.no_grad():
                for batch in test_dl:
                    preds.append(model(batch["x"]).squeeze(-1))
                    obs.append(batch["y"])
            r2 = r2_score(torch.cat(obs).numpy(), torch.cat(preds).numpy())
            print(f"epoch {epoch + 1}: last train loss {loss.item():.3f}, block-4 R2 {r2:.3f}")


if __name__ == "__main__":
    main()
