import csv
import math
import os

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
STATION_FILE = os.path.join(HERE, "stations.txt")
PICK_FILE = os.path.join(HERE, "picks.csv")
FS = 100.0
PHASES = {"P": 0, "S": 1}


def write_inventory_and_picks(rng):
    stations = [("CI", "PAS", 34.148, -118.171), ("CI", "SBC", 34.441, -119.713),
                ("CI", "RPV", 33.743, -118.404), ("CI", "GSC", 35.302, -116.806),
                ("AZ", "PFO", 33.612, -116.459), ("AZ", "KNW", 33.714, -116.712)]
    with open(STATION_FILE, "w") as fh:
        fh.write("#Network|Station|Latitude|Longitude|Elevation|SiteName|StartTime|EndTime\n")
        for net, sta, lat, lon in stations:
            fh.write(f"{net}|{sta}|{lat}|{lon}|{rng.uniform(50, 1500):.1f}|{sta} site|2000-01-01T00:00:00|\n")
    with open(PICK_FILE, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id", "trace_id", "phase", "event_lat", "event_lon", "pick_time"])
        for ev in range(20):
            elat, elon = rng.uniform(33.5, 35.0), rng.uniform(-118.5, -116.5)
            for net, sta, _, _ in rng.permutation(np.array(stations, dtype=object))[:4]:
                loc = "" if net == "CI" else "00"
                for ph in ("P", "S"):
                    w.writerow([f"ev{ev:03d}", f"{net}.{sta}.{loc}.HHZ", ph,
                                f"{elat:.4f}", f"{elon:.4f}", f"{rng.uniform(5, 40):.2f}"])


def read_fdsn_station_text(path):
    coords = {}
    with open(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("|")
            coords[f"{parts[0]}.{parts[1]}"] = (float(parts[2]), float(parts[3]), float(parts[4]))
    return coords


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def fake_snippet(phase, dist_km, rng):
    n = int(FS * rng.uniform(2.0, 6.0))
    t = np.arange(n) / FS
    f = 8.0 if phase == "P" else 3.0
    onset = 0.5
    env = np.where(t > onset, np.exp(-(t - onset) * (2.0 if phase == "P" else 0.8)), 0.0)
    amp = 1.0 / (1.0 + dist_km / 50.0)
    x = amp * env * np.sin(2 * np.pi * f * t) + 0.02 * rng.standard_normal(n)
    return x.astype(np.float32)


class PickSnippetDataset(Dataset):
    def __init__(self, pick_file, station_coords, seed=0):
        with open(pick_file, newline="") as fh:
            self.rows = list(csv.DictReader(fh))
        self.station_coords = station_coords
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.rows)

    def station_key(self, trace_id):
        return ".".join(trace_id.split(".")[:2])

    def __getitem__(self, i):
        row = self.rows[i]
        lat, lon, elev = self.station_coords[self.station_key(row["trace_id"])]
        dist = haversine_km(float(row["event_lat"]), float(row["event_lon"]), lat, lon)
        wave = fake_snippet(row["phase"], dist, self.rng)
        feats = torch.tensor([dist / 100.0, elev / 1000.0], dtype=torch.float32)
        return torch.from_numpy(wave), feats, PHASES[row["phase"]]


def collate_snippets(batch):
    waves, feats, labels = zip(*batch)
    lengths = torch.tensor([w.numel() for w in waves])
    padded = pad_sequence(waves, batch_first=True)
    return padded.unsqueeze(1), lengths, torch.stack(feats), torch.tensor(labels)


class PhaseTypeNet(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv1d(1, hidden, 9, padding=4), nn.ReLU(),
                                  nn.Conv1d(hidden, hidden, 9, padding=4), nn.ReLU())
        self.fc = nn.Linear(hidden + 2, 2)

    def forward(self, x, lengths, feats):
        h = self.conv(x)
        mask = torch.arange(h.size(-1))[None, :] < lengths[:, None]
        pooled = (h * mask[:, None, :]).sum(-1) / lengths[:, None]
        return self.fc(torch.cat([pooled, feats], dim=1))


def main():
    rng = np.random.default_rng(21)
    torch.manual_seed(21)
    write_inventory_and_picks(rng)
    coords = read_fdsn_station_text(STATION_FILE)
    ds = PickSnippetDataset(PICK_FILE, coords, seed=5)
    loader = DataLoader(ds, batch_size=16, shuffle=True, collate_fn=collate_snippets)
    model = PhaseTypeNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(3):
        correct, total = 0, 0
        for x, lengths, feats, y in loader:
            logits = model(x, lengths, feats)
            loss = nn.functional.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (logits.argmax(-1) == y).sum().item()
            total += len(y)
        print(f"epoch {epoch} loss {loss.item():.3f} acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
