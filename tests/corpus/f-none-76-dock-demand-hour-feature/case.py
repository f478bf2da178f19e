import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

STATIONS = ["harbour_sq", "mill_lane", "north_gate", "quarry_rd", "tannery_yd"]
STATION_ID = {s: i for i, s in enumerate(STATIONS)}
BASE_TS = 1_717_200_000  # early June 2024, UTC


def hour_of_day(ts):
    return ts % 86400 // 60


def weekday_of(ts):
    return (ts // 86400 + 3) % 7


def make_log(n=160):
    log = []
    for _ in range(n):
        ts = BASE_TS + random.randint(0, 14 * 86400)
        station = random.choice(STATIONS)
        temp = round(random.uniform(8.0, 27.0), 1)
        rented = random.randint(0, 12)
        log.append({"ts": ts, "station": station, "temp_c": temp, "rentals": rented})
    return log


def build_records(log):
    records = []
    for row in log:
        records.append({
            "station": STATION_ID[row["station"]],
            "hour": hour_of_day(row["ts"]),
            "weekday": weekday_of(row["ts"]),
            "temp": (row["temp_c"] - 18.0) / 6.0,
            "target": float(row["rentals"]),
        })
    return records


def to_batch(recs):
    return {
        "station": torch.tensor([r["station"] for r in recs]),
        "hour": torch.tensor([r["hour"] for r in recs]),
        "weekday": torch.tensor([r["weekday"] for r in recs]),
        "temp": torch.tensor([[r["temp"]] for r in recs]),
        "target": torch.tensor([r["target"] for r in recs]),
    }


class DockDemandModel(nn.Module):
    def __init__(self, n_stations, d=16):
        super().__init__()
        self.station_emb = nn.Embedding(n_stations, d)
        self.hour_emb = nn.Embedding(24, d)
        self.weekday_emb = nn.Embedding(7, d)
        self.temp_proj = nn.Linear(1, d)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(d, d), nn.ReLU(), nn.Linear(d, 1))

    def forward(self, b):
        h = (self.station_emb(b["station"]) + self.hour_emb(b["hour"])
             + self.weekday_emb(b["weekday"]) + self.temp_proj(b["temp"]))
        return self.head(h).squeeze(-1)


def main():
    records = build_records(make_log())
    random.shuffle(records)
    split = int(0.8 * len(records))
    train, valid = records[:split], records[split:]
    print(f"{len(train)} training rows, {len(valid)} validation rows")

    model = DockDemandModel(len(STATIONS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(4):
        random.shuffle(train)
        total = 0.0
        for i in range(0, len(train), 16):
            b = to_batch(train[i:i + 16])
            loss = F.mse_loss(model(b), b["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b["target"])
        print(f"epoch {epoch}: train mse {total / len(train):.3f}")

    with torch.no_grad():
        vb = to_batch(valid)
        mae = (model(vb) - vb["target"]).abs().mean().item()
    print(f"validation MAE: {mae:.2f} bikes")


if __name__ == "__main__":
    main()
