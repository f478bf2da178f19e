import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "stop", "go"]


@dataclass
class KWSConfig:
    n_mels: int = 40
    channels: int = 64
    batch_size: int = 16
    epochs: int = 2
    lr: float = 2e-3
    n_train: int = 160
    n_val: int = 48


def mel_filterbank(n_mels, n_fft, sr):
    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    mel_pts = np.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2)
    bins = np.floor((n_fft + 1) * mel_to_hz(mel_pts) / sr).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1), dtype=np.float32)
    for m in range(1, n_mels + 1):
        lo, c, hi = bins[m - 1], bins[m], bins[m + 1]
        for k in range(lo, c):
            fb[m - 1, k] = (k - lo) / max(c - lo, 1)
        for k in range(c, hi):
            fb[m - 1, k] = (hi - k) / max(hi - c, 1)
    return torch.from_numpy(fb)


def synth_utterance(rng, label):
    dur = rng.uniform(0.7, 1.3)
    t = np.arange(int(dur * SAMPLE_RATE)) / SAMPLE_RATE
    f0 = 180 + 45 * label
    wave = 0.4 * np.sin(2 * np.pi * f0 * t) + 0.2 * np.sin(2 * np.pi * 2.5 * f0 * t)
    wave += 0.05 * rng.standard_normal(t.shape[0])
    return wave.astype(np.float32)


class SpeechCommands(Dataset):
    def __init__(self, n_items, n_mels, seed):
        rng = np.random.default_rng(seed)
        fb = mel_filterbank(n_mels, N_FFT, SAMPLE_RATE)
        window = torch.hann_window(N_FFT)
        self.items = []
        for _ in range(n_items):
            label = int(rng.integers(len(KEYWORDS)))
            wave = torch.from_numpy(synth_utterance(rng, label))
            spec = torch.stft(wave, N_FFT, HOP, window=window, return_complex=True)
            logmel = torch.log(fb @ spec.abs().pow(2) + 1e-6)
            logmel = (logmel - logmel.mean()) / (logmel.std() + 1e-5)
            self.items.append({"feats": logmel, "label": label})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        item = self.items[idx]
        return {"feats": item["feats"], "label": item["label"], "n_frames": item["feats"].shape[-1]}


class BucketBatchSampler(Sampler):
    def __init__(self, lengths, batch_size, seed=0):
        self.lengths = lengths
        self.batch_size = batch_size
        self.rng = random.Random(seed)

    def __iter__(self):
        order = sorted(range(len(self.lengths)), key=lambda i: self.lengths[i])
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        self.rng.shuffle(batches)
        yield from batches

    def __len__(self):
        return math.ceil(len(self.lengths) / self.batch_size)


def pad_collate(samples):
    longest = max(s["n_frames"] for s in samples)
    feats = torch.stack([F.pad(s["feats"], (0, longest - s["n_frames"])) for s in samples])
    return {
        "feats": feats,
        "label": torch.tensor([s["label"] for s in samples]),
        "n_frames": torch.tensor([s["n_frames"] for s in samples]),
    }


class KeywordSpotter(nn.Module):
    def __init__(self, cfg, n_classes):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.Sequential(
            nn.Conv1d(cfg.n_mels, cfg.channels, 5, padding=2), nn.BatchNorm1d(cfg.channels), nn.ReLU(),
            nn.Conv1d(cfg.channels, cfg.channels, 5, padding=2), nn.BatchNorm1d(cfg.channels), nn.ReLU(),
        )
        self.head = nn.Linear(cfg.channels, n_classes)

    def forward(self, feats, n_frames):
        h = self.encoder(feats)
        valid = torch.arange(h.shape[-1])[None, :] < n_frames[:, None]
        pooled = (h * valid[:, None, :]).sum(-1) / n_frames[:, None]
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["feats"], batch["n_frames"])
        loss = F.cross_entropy(logits, batch["label"])
        return {"loss": loss}

    def validation_step(self, batch, batch_idx):
        logits = self(batch["feats"], batch["n_frames"])
        correct = (logits.argmax(-1) == batch["label"]).sum().item()
        return {"val_loss": F.cross_entropy(logits, batch["label"]).item(), "correct": correct,
                "count": batch["label"].numel()}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def fit(module, train_loader, val_loader, epochs):
    opt = module.configure_optimizers()
    for epoch in range(epochs):
        module.train()
        running = 0.0
        for i, batch in enumerate(train_loader):
            out = module.training_step(batch, i)
            opt.zero_grad()
            out["loss"].backward()
            opt.step()
            running += out["loss"].item()
        module.eval()
        results = []
        with torch.no_grad():
            for i, batch in enumerate(val_loader):
                results.append(module.validation_step(batch, i))
        acc = sum(r["correct"] for r in results) / sum(r["count"] for r in results)
        print(f"epoch {epoch}: train_loss={running / len(train_loader):.3f} val_acc={acc:.3f}")


def main():
    torch.manual_seed(0)
    cfg = KWSConfig()
    train_ds = SpeechCommands(cfg.n_train, cfg.n_mels, seed=1)
    val_ds = SpeechCommands(cfg.n_val, cfg.n_mels, seed=2)
    train_lengths = [item["feats"].shape[-1] for item in train_ds.items]
    train_loader = DataLoader(train_ds, batch_sampler=BucketBatchSampler(train_lengths, cfg.batch_size),
                              collate_fn=pad_collate)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size, shuffle=False, collate_fn=pad_collate)
    model = KeywordSpotter(cfg, n_classes=len(KEYWORDS))
    fit(model, train_loader, val_loader, cfg.epochs)


if __name__ == "__main__":
    main()
