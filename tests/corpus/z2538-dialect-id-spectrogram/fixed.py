"""Dialect identification from short read-speech clips.

Log filterbank features -> 1D CNN over time -> dialect logits.
Synthetic 'recordings' differ by dialect in vowel formant positions and
speaking rate, which is roughly what separates our survey dialects.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

DIALECTS = ["coastal", "highland", "river", "island"]


@dataclass
class FeatConfig:
    sample_rate: int = 16000
    crop_sec: float = 1.5
    n_fft: int = 400
    win_sec: float = 0.025
    hop_sec: float = 0.01
    n_filters: int = 40


@dataclass
class TrainConfig:
    channels: int = 64
    kernel: int = 5
    batch_size: int = 32
    epochs: int = 3
    lr: float = 1e-3


def synth_clip(dialect_idx, fcfg):
    n = int(fcfg.sample_rate * fcfg.crop_sec)
    t = np.arange(n) / fcfg.sample_rate
    f1 = 350 + 120 * dialect_idx + rng.normal(0, 30)
    f2 = 1400 + 250 * ((dialect_idx * 3) % 4) + rng.normal(0, 60)
    rate = 3.0 + 0.8 * dialect_idx
    envelope = 0.5 * (1 + np.sin(2 * np.pi * rate * t + rng.uniform(0, np.pi)))
    f0 = 110 + rng.normal(0, 15)
    voiced = np.sign(np.sin(2 * np.pi * f0 * t))
    sig = envelope * (np.sin(2 * np.pi * f1 * t) + 0.6 * np.sin(2 * np.pi * f2 * t)) * (0.7 + 0.3 * voiced)
    return (sig + 0.05 * rng.standard_normal(n)).astype(np.float32)


def triangular_filterbank(n_filters, n_fft, sr):
    n_bins = n_fft // 2 + 1
    mel = lambda f: 2595 * np.log10(1 + f / 700)
    imel = lambda m: 700 * (10 ** (m / 2595) - 1)
    edges = imel(np.linspace(mel(0), mel(sr / 2), n_filters + 2))
    bins = np.floor((n_fft + 1) * edges / sr).astype(int)
    fb = np.zeros((n_filters, n_bins), dtype=np.float32)
    for i in range(1, n_filters + 1):
        l, c, r = bins[i - 1], bins[i], bins[i + 1]
        fb[i - 1, l:c] = (np.arange(l, c) - l) / max(c - l, 1)
        fb[i - 1, c:r] = (r - np.arange(c, r)) / max(r - c, 1)
    return torch.from_numpy(fb)


def log_fbank(wave, fcfg, fb):
    win_length = int(round(fcfg.win_sec * fcfg.sample_rate))
    hop_length = int(round(fcfg.hop_sec * fcfg.sample_rate))
    spec = torch.stft(wave, n_fft=fcfg.n_fft, hop_length=hop_length, win_length=win_length,
                      window=torch.hann_window(win_length), return_complex=True)
    power = spec.abs() ** 2
    feats = torch.log(fb @ power + 1e-6)
    return (feats - feats.mean(-1, keepdim=True)) / (feats.std(-1, keepdim=True) + 1e-5)


def build_features(n_per_dialect, fcfg):
    fb = triangular_filterbank(fcfg.n_filters, fcfg.n_fft, fcfg.sample_rate)
    xs, ys = [], []
    for d in range(len(DIALECTS)):
        for _ in range(n_per_dialect):
            xs.append(log_fbank(torch.from_numpy(synth_clip(d, fcfg)), fcfg, fb))
            ys.append(d)
    return torch.stack(xs), torch.tensor(ys)


def make_cnn(n_in, tcfg, n_classes):
    k, c = tcfg.kernel, tcfg.channels
    return nn.Sequential(
        nn.Conv1d(n_in, c, k), nn.BatchNorm1d(c), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(c, c, k), nn.BatchNorm1d(c), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(c, c, k), nn.BatchNorm1d(c), nn.ReLU(),
        nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Linear(c, n_classes),
    )


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    correct, total, loss_sum = 0, 0, 0.0
    with torch.set_grad_enabled(train):
        for x, y in loader:
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            if train:
                opt.zero_grad()
                loss.backward()
                opt.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            total += len(y)
    return loss_sum / total, correct / total


fcfg, tcfg = FeatConfig(), TrainConfig()
X, y = build_features(60, fcfg)
print("features:", tuple(X.shape))
perm = torch.randperm(len(y))
split = int(0.8 * len(y))
train_dl = DataLoader(TensorDataset(X[perm[:split]], y[perm[:split]]), batch_size=tcfg.batch_size, shuffle=True)
dev_dl = DataLoader(TensorDataset(X[perm[split:]], y[perm[split:]]), batch_size=tcfg.batch_size)

model = make_cnn(fcfg.n_filters, tcfg, len(DIALECTS))
opt = torch.optim.Adam(model.parameters(), lr=tcfg.lr)
for epoch in range(tcfg.epochs):
    tr_loss, tr_acc = run_epoch(model, train_dl, opt)
    dv_loss, dv_acc = run_epoch(model, dev_dl)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  dev {dv_loss:.3f}/{dv_acc:.2f}")
