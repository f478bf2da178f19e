"""Queen-status detection from hive microphone recordings.

Each recording is turned into a sequence of log-mel-like frames. Frames where the
colony is near silent (night, wind gusts clipped by the gate) are dropped before
training, then a small conv + GRU model predicts queenright / queenless / swarming.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

SAMPLE_RATE = 8000
HOP = 256
N_MELS = 24
CLIP_SECONDS = 6
STATUS = ["queenright", "queenless", "swarming"]
QUIET_DB = -1.5


def synth_hive_clip(status_idx, rng):
    """Fake hive hum: a fundamental around 250 Hz, queenless colonies 'roar' higher."""
    n = SAMPLE_RATE * CLIP_SECONDS
    t = np.arange(n) / SAMPLE_RATE
    base = {0: 240.0, 1: 310.0, 2: 420.0}[status_idx] + rng.normal(0, 12)
    hum = np.sin(2 * math.pi * base * t) + 0.4 * np.sin(2 * math.pi * 2 * base * t)
    envelope = np.clip(np.sin(2 * math.pi * rng.uniform(0.05, 0.3) * t + rng.uniform(0, 6)), 0, None)
    noise = rng.normal(0, 0.05, size=n)
    return (hum * envelope + noise).astype(np.float32)


def frame_features(wave):
    n_frames = len(wave) // HOP
    frames = wave[: n_frames * HOP].reshape(n_frames, HOP)
    spec = np.abs(np.fft.rfft(frames * np.hanning(HOP), axis=1)) ** 2
    edges = np.linspace(0, spec.shape[1], N_MELS + 1).astype(int)
    bands = np.stack([spec[:, a:b].mean(axis=1) for a, b in zip(edges[:-1], edges[1:])], axis=1)
    return np.log(bands + 1e-6)


def drop_quiet_frames(feats, threshold=QUIET_DB):
    energy = feats.mean(axis=1)
    return feats[energy > threshold]


class HiveAudioDataset(Dataset):
    def __init__(self, n_clips, seed):
        rng = np.random.default_rng(seed)
        self.items = []
        for i in range(n_clips):
            label = int(rng.integers(0, len(STATUS)))
            wave = synth_hive_clip(label, rng)
            feats = drop_quiet_frames(frame_features(wave))
            self.items.append((feats, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        feats, label = self.items[idx]
        return {
            "mel": torch.from_numpy(feats).float(),
            "status": torch.tensor(label, dtype=torch.long),
        }


class QueenStatusNet(nn.Module):
    def __init__(self, n_mels=N_MELS, hidden=48, n_classes=len(STATUS)):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_mels, hidden, kernel_size=5, padding=2),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
        )
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, mel):
        x = self.conv(mel.transpose(1, 2)).transpose(1, 2)
        _, h = self.gru(x)
        return self.head(h[-1])


def train_one_epoch(model, loader, optim, loss_fn):
    model.train()
    total, correct, running = 0, 0, 0.0
    for batch in loader:
        logits = model(batch["mel"])
        loss = loss_fn(logits, batch["status"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item() * len(batch["status"])
        correct += (logits.argmax(1) == batch["status"]).sum().item()
        total += len(batch["status"])
    return running / total, correct / total


def main():
    train_ds = HiveAudioDataset(n_clips=48, seed=1)
    lengths = [item[0].shape[0] for item in train_ds.items]
    print(f"{len(train_ds)} clips, frames per clip after quiet-drop: min={min(lengths)} max={max(lengths)}")

    loader = DataLoader(train_ds, batch_size=8, shuffle=True)
    model = QueenStatusNet()
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        loss, acc = train_one_epoch(model, loader, optim, loss_fn)
        print(f"epoch {epoch}: loss={loss:.3f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
