"""Pump fault classifier: a 3-axis accelerometer record is cut into windows, each
window encoded by a shared 1-D CNN, then the window features are pooled."""
import argparse
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

FAULTS = ["normal", "imbalance", "misalignment", "bearing"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--sample-rate", type=int, default=200)
    p.add_argument("--record-seconds", type=int, default=5)
    p.add_argument("--n-windows", type=int, default=6)
    p.add_argument("--n-records", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-3)
    return p.parse_args()


def synth_record(fault, n, sr, g):
    t = torch.arange(n) / sr
    shaft = 2 * math.pi * 24.5 * t
    sig = torch.stack([torch.sin(shaft), torch.cos(shaft), 0.2 * torch.sin(2 * shaft)])
    if fault == 1:
        sig[0] += 0.8 * torch.sin(shaft + 0.3)
    elif fault == 2:
        sig[1] += 0.6 * torch.sin(2 * shaft)
        sig[2] += 0.5 * torch.sin(3 * shaft)
    elif fault == 3:
        impacts = (torch.rand(n, generator=g) < 0.03).float()
        sig += 1.5 * impacts * torch.randn(3, n, generator=g)
    return sig + 0.3 * torch.randn(3, n, generator=g)


class VibrationDataset(Dataset):
    def __init__(self, args, seed=0):
        g = torch.Generator().manual_seed(seed)
        n = args.sample_rate * args.record_seconds
        self.labels = torch.randint(0, len(FAULTS), (args.n_records,), generator=g)
        self.records = [synth_record(int(y), n, args.sample_rate, g) for y in self.labels]
        self.n_windows = args.n_windows

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        sig = self.records[i]
        sig = (sig - sig.mean(dim=1, keepdim=True)) / (sig.std(dim=1, keepdim=True) + 1e-6)
        windows = list(sig.chunk(self.n_windows, dim=-1))
        return windows, self.labels[i]


class WindowEncoder(nn.Module):
    def __init__(self, channels=3, feat=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(channels, 16, kernel_size=7, stride=2), nn.ReLU(),
            nn.Conv1d(16, feat, kernel_size=5, stride=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


class PumpClassifier(nn.Module):
    def __init__(self, feat=32, n_classes=len(FAULTS)):
        super().__init__()
        self.encoder = WindowEncoder(feat=feat)
        self.head = nn.Sequential(nn.Linear(2 * feat, 32), nn.ReLU(), nn.Linear(32, n_classes))

    def forward(self, windows):
        x = torch.stack(windows, dim=1)
        b, w, c, l = x.shape
        feats = self.encoder(x.reshape(b * w, c, l)).reshape(b, w, -1)
        pooled = torch.cat([feats.mean(dim=1), feats.amax(dim=1)], dim=-1)
        return self.head(pooled)


def main():
    args = get_args()
    torch.manual_seed(0)
    ds = VibrationDataset(args, seed=1)
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True)
    model = PumpClassifier()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    crit = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        total, correct, loss_sum = 0, 0, 0.0
        for windows, y in loader:
            logits = model(windows)
            loss = crit(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(-1) == y).sum().item()
            total += len(y)
        print(f"epoch {epoch}: loss {loss_sum / total:.3f} acc {correct / total:.3f}")


if __name__ == "__main__":
    main()
