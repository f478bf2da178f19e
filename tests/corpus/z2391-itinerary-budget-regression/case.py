import json
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
ITIN_PATH = os.path.join(HERE, "itineraries.jsonl")

CITIES = ["lisbon", "porto", "seville", "granada", "valencia", "barcelona", "madrid", "bilbao"]
TRANSPORT = ["train", "bus", "flight", "car"]
ACCOM = ["hostel", "guesthouse", "hotel_3", "hotel_4", "hotel_5"]

random.seed(5)
torch.manual_seed(5)


def write_itineraries(path, n=300):
    accom_cost = {"hostel": 30, "guesthouse": 60, "hotel_3": 90, "hotel_4": 140, "hotel_5": 260}
    with open(path, "w") as fh:
        for i in range(n):
            n_legs = random.randint(2, 5)
            legs = []
            total = 0.0
            for _ in range(n_legs):
                nights = random.randint(1, 4)
                accom = random.choice(ACCOM)
                leg = {
                    "city": random.choice(CITIES),
                    "nights": nights,
                    "transport": random.choice(TRANSPORT),
                }
                if random.random() < 0.93:
                    leg["accommodation"] = accom
                total += nights * accom_cost[accom] + random.uniform(20, 120)
                legs.append(leg)
            rec = {"trip_id": f"T{i:04d}", "party_size": random.randint(1, 4), "legs": legs,
                   "total_eur": round(total, 2)}
            fh.write(json.dumps(rec) + "\n")


def load_jsonl(path):
    with open(path) as fh:
        return [json.loads(line) for line in fh]


class ItineraryBudgetDataset(Dataset):
    """Bag-of-legs features -> log total trip cost."""

    def __init__(self, records):
        self.records = records
        self.city_ix = {c: i for i, c in enumerate(CITIES)}
        self.tr_ix = {t: i for i, t in enumerate(TRANSPORT)}
        self.acc_ix = {a: i for i, a in enumerate(ACCOM)}

    def __len__(self):
        return len(self.records)

    def encode_leg(self, leg):
        v = torch.zeros(len(CITIES) + len(TRANSPORT) + len(ACCOM) + 1)
        v[self.city_ix[leg["city"]]] = 1.0
        v[len(CITIES) + self.tr_ix[leg["transport"]]] = 1.0
        v[len(CITIES) + len(TRANSPORT) + self.acc_ix[leg["accommodation"]]] = 1.0
        v[-1] = float(leg["nights"])
        return v

    def __getitem__(self, i):
        rec = self.records[i]
        legs = torch.stack([self.encode_leg(l) for l in rec["legs"]])
        feats = torch.cat([legs.sum(0), torch.tensor([float(rec["party_size"]), float(len(rec["legs"]))])])
        target = torch.log(torch.tensor(rec["total_eur"]))
        return feats, target


class BudgetRegressor(nn.Module):
    def __init__(self, in_dim, hidden=48):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(),
            nn.Linear(hidden, hidden), nn.GELU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, n = 0.0, 0
    for feats, target in loader:
        with torch.set_grad_enabled(training):
            pred = model(feats)
            loss = nn.functional.smooth_l1_loss(pred, target)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(target)
        n += len(target)
    return total / n


def main():
    write_itineraries(ITIN_PATH)
    records = load_jsonl(ITIN_PATH)
    random.shuffle(records)
    cut = int(0.8 * len(records))
    train_ds = ItineraryBudgetDataset(records[:cut])
    val_ds = ItineraryBudgetDataset(records[cut:])

    in_dim = len(CITIES) + len(TRANSPORT) + len(ACCOM) + 1 + 2
    model = BudgetRegressor(in_dim)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)
    for epoch in range(4):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr:.4f} val {va:.4f}")


if __name__ == "__main__":
    main()
