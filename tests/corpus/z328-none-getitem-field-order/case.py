# Bird-call species classifier from acoustic summary features recorded at field stations.
# Each recording also carries the station it came from, which gets a learned embedding.
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split

CFG = {
    "n_recordings": 900,
    "n_stations": 24,
    "species": ["chiffchaff", "wren", "robin", "blackcap", "great_tit", "song_thrush"],
    "n_acoustic": 20,         # MFCC means + spectral centroid/bandwidth/rolloff etc.
    "station_dim": 6,
    "hidden": 64,
    "batch_size": 32,
    "epochs": 3,
    "lr": 2e-3,
    "seed": 21,
}

rng = np.random.default_rng(CFG["seed"])
torch.manual_seed(CFG["seed"])

n_species = len(CFG["species"])
species_centroids = rng.normal(0, 1.5, size=(n_species, CFG["n_acoustic"]))
station_offsets = rng.normal(0, 0.4, size=(CFG["n_stations"], CFG["n_acoustic"]))

species_id = rng.integers(0, n_species, CFG["n_recordings"])
station_id = rng.integers(0, CFG["n_stations"], CFG["n_recordings"])
acoustic = (species_centroids[species_id] + station_offsets[station_id]
            + rng.normal(0, 1.0, size=(CFG["n_recordings"], CFG["n_acoustic"])))
acoustic = (acoustic - acoustic.mean(0)) / acoustic.std(0)


class FieldRecordings(Dataset):
    def __init__(self, feats, stations, labels):
        self.feats = torch.tensor(feats, dtype=torch.float32)
        self.stations = torch.tensor(stations, dtype=torch.long)
        self.labels = torch.tensor(labels, dtype=torch.long)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.feats[i], self.stations[i], self.labels[i]


class CallClassifier(nn.Module):
    def __init__(self, n_acoustic, n_stations, station_dim, hidden, n_classes):
        super().__init__()
        self.station_emb = nn.Embedding(n_stations, station_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_acoustic + station_dim, hidden),
            nn.GELU(),
            nn.Dropout(0.2),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, feats, station):
        return self.mlp(torch.cat([feats, self.station_emb(station)], dim=-1))


full = FieldRecordings(acoustic, station_id, species_id)
n_val = len(full) // 5
train_set, val_set = random_split(full, [len(full) - n_val, n_val],
                                  generator=torch.Generator().manual_seed(CFG["seed"]))
train_loader = DataLoader(train_set, batch_size=CFG["batch_size"], shuffle=True)
val_loader = DataLoader(val_set, batch_size=128)

model = CallClassifier(CFG["n_acoustic"], CFG["n_stations"], CFG["station_dim"], CFG["hidden"], n_species)
optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"], weight_decay=1e-4)
class_counts = torch.bincount(torch.tensor(species_id), minlength=n_species).float()
class_weights = class_counts.sum() / (n_species * class_counts)


def evaluate():
    model.eval()
    hits = 0
    with torch.no_grad():
        for feats, label, station in val_loader:
            hits += (model(feats, station).argmax(-1) == label).sum().item()
    return hits / len(val_set)


for epoch in range(CFG["epochs"]):
    model.train()
    running = 0.0
    for step, (feats, label, station) in enumerate(train_loader):
        logits = model(feats, station)
        loss = F.cross_entropy(logits, label, weight=class_weights)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
    print(f"epoch {epoch + 1}: train loss {running / (step + 1):.3f}  val acc {evaluate():.3f}")

torch.save(model.state_dict(), os.path.join(tempfile.mkdtemp(prefix="birdcall_"), "birdcall_classifier.pt"))
