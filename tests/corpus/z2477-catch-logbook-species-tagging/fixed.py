import csv
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
LOGBOOK_CSV = os.path.join(HERE, "haul_logbook.csv")

SPECIES = ["COD", "HAD", "POK", "WHG", "HKE", "MON", "PLE", "SOL", "NEP"]
GEARS = ["OTB", "OTT", "PTB", "SSC", "GNS", "LLS"]
SPECIES_TO_ID = {s: i for i, s in enumerate(SPECIES)}
GEAR_TO_ID = {g: i + 1 for i, g in enumerate(GEARS)}   # 0 = padding

PAD_LABEL = -100
BATCH_SIZE = 8
HIDDEN = 48
EPOCHS = 2


def write_fake_logbook(path, n_trips=60, seed=11):
    rng = random.Random(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["trip_id", "haul_no", "gear", "depth_m", "duration_h",
                    "lat", "lon", "sst_c", "main_species"])
        for trip in range(n_trips):
            gear = rng.choice(GEARS)
            lat0, lon0 = rng.uniform(54, 61), rng.uniform(-4, 4)
            for haul in range(rng.randint(4, 22)):
                depth = rng.uniform(30, 400)
                sst = rng.uniform(6, 14)
                if depth > 250:
                    sp = rng.choice(["HKE", "MON", "POK"])
                elif gear in ("GNS", "LLS"):
                    sp = rng.choice(["COD", "HKE", "POK"])
                elif lat0 < 56:
                    sp = rng.choice(["PLE", "SOL", "WHG", "NEP"])
                else:
                    sp = rng.choice(["COD", "HAD", "WHG"])
                w.writerow([f"T{trip:04d}", haul, gear, f"{depth:.1f}",
                            f"{rng.uniform(0.5, 6):.2f}",
                            f"{lat0 + rng.gauss(0, .1):.4f}",
                            f"{lon0 + rng.gauss(0, .1):.4f}", f"{sst:.2f}", sp])


def read_trips(path):
    trips = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            trips.setdefault(row["trip_id"], []).append(row)
    for rows in trips.values():
        rows.sort(key=lambda r: int(r["haul_no"]))
    return list(trips.values())


class TripDataset(Dataset):
    NUM_COLS = ["depth_m", "duration_h", "lat", "lon", "sst_c"]

    def __init__(self, trips):
        allnum = np.array([[float(r[c]) for c in self.NUM_COLS] for t in trips for r in t])
        self.mu, self.sd = allnum.mean(0), allnum.std(0) + 1e-6
        self.trips = trips

    def __len__(self):
        return len(self.trips)

    def __getitem__(self, idx):
        rows = self.trips[idx]
        num = np.array([[float(r[c]) for c in self.NUM_COLS] for r in rows])
        num = (num - self.mu) / self.sd
        gear = [GEAR_TO_ID[r["gear"]] for r in rows]
        species = [SPECIES_TO_ID[r["main_species"]] for r in rows]
        return {
            "numeric": torch.tensor(num, dtype=torch.float32),
            "gear": torch.tensor(gear, dtype=torch.long),
            "species": torch.tensor(species, dtype=torch.long),
        }


def collate_trips(batch):
    lengths = torch.tensor([len(b["gear"]) for b in batch])
    return {
        "numeric": pad_sequence([b["numeric"] for b in batch], batch_first=True),
        "gear": pad_sequence([b["gear"] for b in batch], batch_first=True, padding_value=0),
        "species": pad_sequence([b["species"] for b in batch], batch_first=True,
                                padding_value=PAD_LABEL),
        "lengths": lengths,
    }


class HaulTagger(nn.Module):
    def __init__(self, n_numeric, n_gears, n_species, hidden):
        super().__init__()
        self.gear_emb = nn.Embedding(n_gears + 1, 8, padding_idx=0)
        self.proj = nn.Linear(n_numeric + 8, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_species)

    def forward(self, numeric, gear, lengths):
        x = torch.cat([numeric, self.gear_emb(gear)], dim=-1)
        x = torch.relu(self.proj(x))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                   enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=gear.size(1))
        return self.out(h)


def main():
    torch.manual_seed(0)
    write_fake_logbook(LOGBOOK_CSV)
    trips = read_trips(LOGBOOK_CSV)
    ds = TripDataset(trips)
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_trips,
                        generator=torch.Generator().manual_seed(0))

    model = HaulTagger(len(TripDataset.NUM_COLS), len(GEARS), len(SPECIES), HIDDEN)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD_LABEL)
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(EPOCHS):
        seen, correct, running = 0, 0, 0.0
        for batch in loader:
            species_logits = model(batch["numeric"], batch["gear"], batch["lengths"])
            target = batch["species"]
            loss = criterion(species_logits.transpose(1, 2), target)
            optim.zero_grad()
            loss.backward()
            optim.step()

            valid = target != PAD_LABEL
            correct += (species_logits.argmax(-1)[valid] == target[valid]).sum().item()
            seen += valid.sum().item()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.3f} haul acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
