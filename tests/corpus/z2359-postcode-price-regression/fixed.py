import csv
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(21)
torch.manual_seed(21)

HERE = os.path.dirname(os.path.abspath(__file__))
SALES_CSV = os.path.join(HERE, "sales.csv")
DISTRICTS_CSV = os.path.join(HERE, "districts.csv")

DISTRICTS = {
    "E14": (52_000, 6.1), "N1": (61_000, 3.2), "SE15": (41_000, 5.4), "SW1A": (98_000, 0.8),
    "NW3": (88_000, 5.9), "W2": (73_000, 3.5), "E8": (47_000, 4.7), "SW11": (69_000, 4.9),
}
NUMERIC_COLS = ["floor_area_sqm", "bedrooms", "bathrooms", "year_built"]


def write_fake_exports():
    with open(DISTRICTS_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["district", "median_income", "km_to_centre"])
        for d, (inc, km) in DISTRICTS.items():
            w.writerow([d, inc, km])
    with open(SALES_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sale_id", "postcode", "floor_area_sqm", "bedrooms", "bathrooms", "year_built", "price"])
        for i in range(400):
            d = random.choice(list(DISTRICTS))
            inward = f"{random.randint(1, 9)}{random.choice('ABDEFGHJLNPQRSTUWXYZ')}{random.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            area = random.uniform(30, 180)
            beds = max(1, int(area // 35))
            baths = max(1, beds - random.randint(0, 2))
            year = random.randint(1890, 2022)
            inc, km = DISTRICTS[d]
            price = area * (inc / 9.0) * (1.0 - 0.04 * km) * random.uniform(0.9, 1.1)
            w.writerow([f"S{i:05d}", f"{d} {inward}", f"{area:.1f}", beds, baths, year, f"{price:.0f}"])


def load_district_table(path):
    with open(path, newline="") as fh:
        return {row["district"]: (float(row["median_income"]), float(row["km_to_centre"]))
                for row in csv.DictReader(fh)}


def district_of(postcode):
    return postcode.split()[0]


class SalesDataset(Dataset):
    def __init__(self, rows, district_table, stats=None):
        self.rows = rows
        self.district_table = district_table
        self.stats = stats

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        income, km = self.district_table[district_of(row["postcode"])]
        feats = [float(row[c]) for c in NUMERIC_COLS] + [income / 1000.0, km]
        return torch.tensor(feats), torch.tensor(float(row["price"]))


def make_collate(mean, std):
    def collate(batch):
        x = torch.stack([b[0] for b in batch])
        y = torch.stack([b[1] for b in batch])
        return (x - mean) / std, torch.log(y)
    return collate


def feature_stats(rows, district_table):
    ds = SalesDataset(rows, district_table)
    x = torch.stack([ds[i][0] for i in range(len(ds))])
    return x.mean(0), x.std(0) + 1e-6


def main():
    write_fake_exports()
    district_table = load_district_table(DISTRICTS_CSV)
    with open(SALES_CSV, newline="") as fh:
        rows = list(csv.DictReader(fh))
    random.shuffle(rows)
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]

    mean, std = feature_stats(train_rows, district_table)
    collate = make_collate(mean, std)
    train_loader = DataLoader(SalesDataset(train_rows, district_table), batch_size=32,
                              shuffle=True, collate_fn=collate)
    val_loader = DataLoader(SalesDataset(val_rows, district_table), batch_size=64, collate_fn=collate)

    model = nn.Sequential(nn.Linear(len(NUMERIC_COLS) + 2, 64), nn.ReLU(), nn.Linear(64, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(40):
        model.train()
        for x, y in train_loader:
            loss = nn.functional.mse_loss(model(x).squeeze(-1), y - 12.0)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 0:
            model.eval()
            with torch.no_grad():
                errs = [(model(x).squeeze(-1) + 12.0 - y).abs() for x, y in val_loader]
            print(f"epoch {epoch:02d} val MAE(log price) {torch.cat(errs).mean():.4f}")


if __name__ == "__main__":
    main()
