import csv
import glob
import os
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence
from torch.utils.data import Dataset, DataLoader

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "visit_tracks")
TAXA = ["honeybee", "bumblebee", "hoverfly"]
SITES = {
    "north_meadow": (1.8, 0.72, 40.0),
    "orchard_B": (0.9, 0.35, 210.0),
    "roadside_verge": (0.4, 0.55, 650.0),
}
DATES = ["2024-06-12", "2024-06-19", "2024-07-03"]


def export_camera_sessions(rng):
    os.makedirs(DATA_DIR, exist_ok=True)
    with open(os.path.join(DATA_DIR, "sites.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["site", "area_ha", "flower_cover", "dist_apiary_m"])
        for site, vals in SITES.items():
            w.writerow([site, *vals])
    speed = {"honeybee": 6.0, "bumblebee": 3.5, "hoverfly": 9.0}
    for site in SITES:
        for date in DATES:
            cam = int(rng.integers(1, 4))
            path = os.path.join(DATA_DIR, f"{site}_{date}_cam{cam}.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["track_id", "frame", "x", "y", "on_flower", "taxon"])
                for tid in range(int(rng.integers(4, 9))):
                    taxon = TAXA[int(rng.integers(0, len(TAXA)))]
                    n = int(rng.integers(12, 60))
                    xy = rng.uniform(0, 640, 2) + rng.normal(0, speed[taxon], (n, 2)).cumsum(0)
                    on = (rng.random(n) < (0.6 if taxon != "hoverfly" else 0.3)).astype(int)
                    for fr in range(n):
                        w.writerow([tid, fr, f"{xy[fr, 0]:.1f}", f"{xy[fr, 1]:.1f}", on[fr], taxon])


def load_site_table(path):
    table = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            table[row["site"]] = torch.tensor(
                [float(row["area_ha"]), float(row["flower_cover"]), float(row["dist_apiary_m"]) / 1000.0]
            )
    return table


class VisitTrackDataset(Dataset):
    def __init__(self, data_dir):
        self.site_meta = load_site_table(os.path.join(data_dir, "sites.csv"))
        self.tracks = []
        for path in sorted(glob.glob(os.path.join(data_dir, "*_cam*.csv"))):
            stem = os.path.splitext(os.path.basename(path))[0]
            site = stem.split("_")[0]
            grouped = defaultdict(list)
            with open(path) as f:
                for row in csv.DictReader(f):
                    grouped[row["track_id"]].append(row)
            for rows in grouped.values():
                self.tracks.append((site, rows))

    def __len__(self):
        return len(self.tracks)

    def __getitem__(self, i):
        site, rows = self.tracks[i]
        xy = torch.tensor([[float(r["x"]), float(r["y"])] for r in rows])
        on = torch.tensor([float(r["on_flower"]) for r in rows]).unsqueeze(-1)
        step = torch.diff(xy, dim=0, prepend=xy[:1])
        feats = torch.cat([step / 10.0, step.norm(dim=-1, keepdim=True) / 10.0, on], dim=-1)
        covars = self.site_meta[site]
        label = TAXA.index(rows[0]["taxon"])
        return feats, covars, label


def collate_tracks(batch):
    feats, covars, labels = zip(*batch)
    lengths = torch.tensor([f.shape[0] for f in feats])
    padded = pad_sequence(feats, batch_first=True)
    return padded, lengths, torch.stack(covars), torch.tensor(labels)


class PollinatorTaxonNet(nn.Module):
    def __init__(self, n_feat=4, n_covar=3, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_feat, hidden, batch_first=True)
        self.covar_proj = nn.Linear(n_covar, 8)
        self.out = nn.Linear(hidden + 8, len(TAXA))

    def forward(self, x, lengths, covars):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        z = torch.cat([h[-1], torch.relu(self.covar_proj(covars))], dim=-1)
        return self.out(z)


def run():
    rng = np.random.default_rng(21)
    torch.manual_seed(21)
    export_camera_sessions(rng)
    ds = VisitTrackDataset(DATA_DIR)
    dl = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate_tracks)
    model = PollinatorTaxonNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    crit = nn.CrossEntropyLoss()
    for epoch in range(3):
        tot, hit, n = 0.0, 0, 0
        for x, lengths, covars, y in dl:
            logits = model(x, lengths, covars)
            loss = crit(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(y)
            hit += (logits.argmax(-1) == y).sum().item()
            n += len(y)
        print(f"epoch {epoch}: loss={tot / n:.3f} acc={hit / n:.2f} ({n} tracks)")


if __name__ == "__main__":
    run()
