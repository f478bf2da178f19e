import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "beat_manifest.csv")
FEAT_DIR = os.path.join(HERE, "feats")
FPS = 50
N_BANDS = 32
SEG_FRAMES = 256

rng = np.random.default_rng(42)
torch.manual_seed(42)


def build_fake_corpus(n_tracks=40):
    os.makedirs(FEAT_DIR, exist_ok=True)
    rows = []
    for k in range(n_tracks):
        track_id = f"trk{k:03d}"
        n_frames = int(rng.integers(300, 600))
        feats = rng.standard_normal((n_frames, N_BANDS)).astype(np.float32) * 0.5
        style = "ambient" if rng.random() < 0.15 else rng.choice(["rock", "funk", "edm", "pop"])
        beats, downbeats = [], []
        if style != "ambient":
            period = 60.0 / rng.uniform(90, 150)
            t, n = rng.uniform(0, period), 0
            while t < n_frames / FPS:
                beats.append(round(t, 3))
                if n % 4 == 0:
                    downbeats.append(round(t, 3))
                f = int(t * FPS)
                feats[f:f + 2] += 2.0
                t += period
                n += 1
        np.save(os.path.join(FEAT_DIR, track_id + ".npy"), feats)
        rows.append({"track_id": track_id, "style": style,
                     "beats": " ".join(map(str, beats)), "downbeats": " ".join(map(str, downbeats))})
    with open(MANIFEST, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["track_id", "style", "beats", "downbeats"])
        w.writeheader()
        w.writerows(rows)


def read_manifest(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def parse_times(field):
    return np.array([float(x) for x in field.split()], dtype=np.float32)


class BeatSegments(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        beats = parse_times(row["beats"])
        if len(beats) < 2:
            return None
        feats = np.load(os.path.join(FEAT_DIR, row["track_id"] + ".npy"))
        start = int(rng.integers(0, feats.shape[0] - SEG_FRAMES))
        seg = feats[start:start + SEG_FRAMES]
        target = np.zeros((SEG_FRAMES, 2), dtype=np.float32)
        for col, times in enumerate([beats, parse_times(row["downbeats"])]):
            fr = np.round(times * FPS).astype(int) - start
            fr = fr[(fr >= 0) & (fr < SEG_FRAMES)]
            target[fr, col] = 1.0
        return {"feats": torch.from_numpy(seg), "target": torch.from_numpy(target),
                "track_id": row["track_id"]}


def collate_segments(batch):
    return {
        "feats": torch.stack([item["feats"] for item in batch]),
        "target": torch.stack([item["target"] for item in batch]),
        "track_id": [item["track_id"] for item in batch],
    }


def make_model():
    return nn.Sequential(
        nn.Conv1d(N_BANDS, 48, 5, padding=2), nn.ReLU(),
        nn.Conv1d(48, 48, 5, padding=4, dilation=2), nn.ReLU(),
        nn.Conv1d(48, 48, 5, padding=8, dilation=4), nn.ReLU(),
        nn.Conv1d(48, 2, 1),
    )


def train(model, loader, epochs=3, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    pos_weight = torch.tensor([8.0, 30.0])
    for ep in range(epochs):
        tot = 0.0
        for batch in loader:
            logits = model(batch["feats"].transpose(1, 2)).transpose(1, 2)
            loss = F.binary_cross_entropy_with_logits(logits, batch["target"], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
        print(f"epoch {ep}: beat/downbeat loss {tot / len(loader):.4f}")


if __name__ == "__main__":
    build_fake_corpus()
    rows = read_manifest(MANIFEST)
    split = int(0.8 * len(rows))
    train_ds = BeatSegments(rows[:split])
    loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=collate_segments,
                        generator=torch.Generator().manual_seed(0))
    model = make_model()
    train(model, loader)
    torch.save(model.state_dict(), os.path.join(HERE, "beat_downbeat_cnn.pt"))
