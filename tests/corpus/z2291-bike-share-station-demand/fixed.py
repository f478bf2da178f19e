import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")
STATION_INFO_CSV = os.path.join(DATA_DIR, "station_information_2024.csv")
RENTALS_CSV = os.path.join(DATA_DIR, "hourly_rentals_2024.csv")

N_STATIONS_2022 = 30
N_STATIONS_2024 = 38
DAYS = 10
BATCH_SIZE = 32
EPOCHS = 2

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def write_synthetic_exports():
    """Mimics the GBFS station_information dumps + the operator's hourly rentals export."""
    os.makedirs(DATA_DIR, exist_ok=True)
    lat0, lon0 = 40.72, -74.00
    stations = []
    for sid in range(N_STATIONS_2024):
        stations.append({
            "station_id": f"ST{sid:03d}",
            "lat": round(lat0 + rng.uniform(-0.03, 0.03), 5),
            "lon": round(lon0 + rng.uniform(-0.03, 0.03), 5),
            "capacity": int(rng.choice([15, 19, 23, 27, 31, 39])),
        })
    for year, n in (("2022", N_STATIONS_2022), ("2024", N_STATIONS_2024)):
        with open(os.path.join(DATA_DIR, f"station_information_{year}.csv"), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["station_id", "lat", "lon", "capacity"])
            w.writeheader()
            w.writerows(stations[:n])

    with open(RENTALS_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["station_id", "day", "hour", "temp_c", "precip_mm", "rentals"])
        for st in stations:
            popularity = st["capacity"] / 25.0
            for day in range(DAYS):
                temp = rng.normal(18, 4)
                for hour in range(24):
                    peak = np.exp(-((hour - 8) / 1.5) ** 2) + np.exp(-((hour - 17.5) / 2.0) ** 2)
                    rain = max(0.0, rng.normal(-0.5, 1.0))
                    lam = popularity * (0.5 + 6 * peak) * (1.0 - 0.15 * rain) * (1 + 0.02 * (temp - 18))
                    w.writerow([st["station_id"], day, hour, f"{temp:.1f}", f"{rain:.2f}",
                                rng.poisson(max(lam, 0.05))])


def load_station_info(path):
    info = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            info[row["station_id"]] = {
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "capacity": int(row["capacity"]),
            }
    return info


def load_rentals(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


class StationHourDataset(Dataset):
    def __init__(self, rows, station_info, station_index):
        self.rows = rows
        self.station_info = station_info
        self.station_index = station_index

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        r = self.rows[i]
        info = self.station_info.get(r["station_id"], {})
        hour = int(r["hour"])
        return {
            "station": self.station_index[r["station_id"]],
            "time_feats": torch.tensor([np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24),
                                        (float(r["temp_c"]) - 18) / 5, float(r["precip_mm"])],
                                       dtype=torch.float32),
            "capacity": info.get("capacity"),
            "rentals": float(r["rentals"]),
        }


def make_model(n_stations, emb_dim=8):
    emb = nn.Embedding(n_stations, emb_dim)
    mlp = nn.Sequential(nn.Linear(emb_dim + 4 + 1, 64), nn.ReLU(), nn.Linear(64, 1))
    return nn.ModuleDict({"emb": emb, "mlp": mlp})


def predict_log_rate(model, batch):
    cap = torch.log(batch["capacity"].float()).unsqueeze(-1)
    x = torch.cat([model["emb"](batch["station"]), batch["time_feats"], cap], dim=-1)
    return model["mlp"](x).squeeze(-1)


write_synthetic_exports()
station_info = load_station_info(STATION_INFO_CSV)
rentals = load_rentals(RENTALS_CSV)
station_ids = sorted({r["station_id"] for r in rentals})
station_index = {sid: k for k, sid in enumerate(station_ids)}
print(f"{len(rentals)} station-hours, {len(station_ids)} stations in rentals, "
      f"{len(station_info)} in station info")

train_rows = [r for r in rentals if int(r["day"]) < DAYS - 2]
val_rows = [r for r in rentals if int(r["day"]) >= DAYS - 2]
train_dl = DataLoader(StationHourDataset(train_rows, station_info, station_index),
                      batch_size=BATCH_SIZE, shuffle=True)
val_dl = DataLoader(StationHourDataset(val_rows, station_info, station_index), batch_size=256)

model = make_model(len(station_ids))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
poisson_nll = nn.PoissonNLLLoss(log_input=True)

for epoch in range(EPOCHS):
    model.train()
    tot = 0.0
    for batch in train_dl:
        loss = poisson_nll(predict_log_rate(model, batch), batch["rentals"].float())
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(batch["rentals"])
    model.eval()
    with torch.no_grad():
        mae = np.mean([(predict_log_rate(model, b).exp() - b["rentals"]).abs().mean().item() for b in val_dl])
    print(f"epoch {epoch}: train nll {tot / len(train_rows):.4f}  val MAE {mae:.3f} rentals/h")
