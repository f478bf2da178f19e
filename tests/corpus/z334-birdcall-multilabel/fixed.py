"""Multi-label bird species detection from mel-spectrogram clips.

Each 2-second field recording may contain several species at once, so the
model predicts one independent presence logit per species.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SPECIES = ["wren", "robin", "blackcap", "chiffchaff", "great_tit", "blackbird"]

parser = argparse.ArgumentParser()
parser.add_argument("--n-clips", type=int, default=96)
parser.add_argument("--n-mels", type=int, default=32)
parser.add_argument("--frames", type=int, default=40)
parser.add_argument("--batch-size", type=int, default=16)
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--lr", type=float, default=1e-3)
args = parser.parse_args()


def make_annotations(n_clips, rng):
    """Annotator sheet: 1 where the species is audible in the clip."""
    presence = rng.random((n_clips, len(SPECIES))) < 0.3
    return presence.astype(np.int64)


class FieldRecordings(Dataset):
    def __init__(self, n_clips, n_mels, frames, seed=0):
        rng = np.random.default_rng(seed)
        self.species_present = make_annotations(n_clips, rng)
        base = rng.normal(size=(n_clips, n_mels, frames)).astype(np.float32)
        for k in range(len(SPECIES)):
            band = slice(4 * k, 4 * k + 4)
            base[:, band, :] += 2.0 * self.species_present[:, k, None, None]
        self.spectrograms = base

    def __len__(self):
        return len(self.spectrograms)

    def __getitem__(self, idx):
        spec = torch.from_numpy(self.spectrograms[idx]).unsqueeze(0)
        tags = torch.from_numpy(self.species_present[idx]).float()
        return spec, tags


class CallDetector(nn.Module):
    def __init__(self, n_species):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d((4, 1)),
        )
        self.head = nn.Linear(16 * 4, n_species)

    def forward(self, spec):
        h = self.features(spec).flatten(1)
        return self.head(h)


torch.manual_seed(0)
dataset = FieldRecordings(args.n_clips, args.n_mels, args.frames)
loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True)
model = CallDetector(len(SPECIES))
criterion = nn.BCEWithLogitsLoss(pos_weight=torch.full((len(SPECIES),), 2.0))
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

for epoch in range(args.epochs):
    model.train()
    running = 0.0
    for spec, tags in loader:
        logits = model(spec)
        loss = criterion(logits, tags)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * spec.size(0)
    print(f"epoch {epoch}: loss {running / len(dataset):.4f}")

model.eval()
with torch.no_grad():
    spec, tags = next(iter(DataLoader(dataset, batch_size=8)))
    probs = torch.sigmoid(model(spec))
    hits = ((probs > 0.5).long() == tags).float().mean().item()
print(f"per-tag accuracy on first 8 clips: {hits:.2f}")
