import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(3)
torch.manual_seed(3)

SR = 8000
CLIP_SECONDS = 0.5
SOUNDS = {"birdsong": 2400.0, "siren": 900.0, "engine": 120.0}


def record_clip(freq, stereo):
    """Simulates a field recorder: returns (channels, samples) like torchaudio.load."""
    n = int(SR * CLIP_SECONDS)
    t = torch.arange(n) / SR
    wobble = 1 + 0.05 * torch.sin(2 * math.pi * 3 * t)
    tone = torch.sin(2 * math.pi * freq * wobble * t) + 0.2 * torch.randn(n)
    if stereo:
        return torch.stack([tone, 0.8 * tone + 0.05 * torch.randn(n)])
    return tone.unsqueeze(0)


def build_catalogue(per_class=10):
    items = []
    for label, (name, freq) in enumerate(SOUNDS.items()):
        for k in range(per_class):
            stereo = random.random() < 0.5
            items.append({"id": f"{name}_{k:02d}", "audio": record_clip(freq, stereo), "label": label})
    random.shuffle(items)
    return items


class FieldRecordings(Dataset):
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        entry = self.items[idx]
        wave = entry["audio"]
        if wave.dim() == 2:
            wave = wave.mean(dim=0)
        wave = wave / (wave.abs().max() + 1e-8)
        return wave, entry["label"]


class TinyAudioNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 16, kernel_size=64, stride=16), nn.ReLU(),
            nn.Conv1d(16, 32, kernel_size=8, stride=4), nn.ReLU(),
            nn.AdaptiveMaxPool1d(1),
        )
        self.out = nn.Linear(32, n_classes)

    def forward(self, wave):
        return self.out(self.features(wave.unsqueeze(1)).squeeze(-1))


def run_epoch(net, loader, opt=None):
    training = opt is not None
    net.train(training)
    total, right, loss_sum = 0, 0, 0.0
    for wave, label in loader:
        with torch.set_grad_enabled(training):
            scores = net(wave)
            loss = nn.functional.cross_entropy(scores, label)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        loss_sum += loss.item() * len(label)
        right += (scores.argmax(1) == label).sum().item()
        total += len(label)
    return loss_sum / total, right / total


catalogue = build_catalogue()
split = int(0.8 * len(catalogue))
train_dl = DataLoader(FieldRecordings(catalogue[:split]), batch_size=6, shuffle=True)
val_dl = DataLoader(FieldRecordings(catalogue[split:]), batch_size=6)

net = TinyAudioNet(len(SOUNDS))
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
for epoch in range(4):
    tr_loss, tr_acc = run_epoch(net, train_dl, opt)
    va_loss, va_acc = run_epoch(net, val_dl)
    print(f"epoch {epoch} train {tr_loss:.3f}/{tr_acc:.2f} val {va_loss:.3f}/{va_acc:.2f}")
