"""Hive acoustic state classifier: queenright / queenless / pre-swarm from entrance mic clips."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SR = 4000
N_FFT = 256
HOP = 64
N_BANDS = 32
STATES = ["queenright", "queenless", "pre_swarm"]

torch.manual_seed(7)
random.seed(7)
np.random.seed(7)


def synth_hive_clip(state, seconds, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    base = 0.6 * np.sin(2 * np.pi * 250 * t) + 0.3 * np.sin(2 * np.pi * 500 * t)
    if state == "queenless":
        base += 0.4 * np.sin(2 * np.pi * (180 + 30 * np.sin(2 * np.pi * 0.5 * t)) * t)
    elif state == "pre_swarm":
        piping = (np.sin(2 * np.pi * 2 * t) > 0.7).astype(float)
        base += 0.5 * piping * np.sin(2 * np.pi * 420 * t)
    noise = 0.2 * np.random.randn(len(t))
    return (base + noise).astype(np.float32)


class HiveAudioClips(Dataset):
    def __init__(self, n_clips):
        self.items = []
        for _ in range(n_clips):
            label = random.randrange(len(STATES))
            dur = random.uniform(0.6, 1.5)
            self.items.append((synth_hive_clip(STATES[label], dur), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        wav, label = self.items[i]
        return torch.from_numpy(wav), label


def n_frames(n_samples):
    return n_samples // HOP + 1


_window = torch.hann_window(N_FFT)
_band_edges = torch.linspace(0, N_FFT // 2 + 1, N_BANDS + 1).long()


def log_band_energies(wavs):
    spec = torch.stft(wavs, N_FFT, hop_length=HOP, window=_window,
                      center=True, return_complex=True).abs() ** 2
    bands = [spec[:, lo:hi].mean(dim=1) for lo, hi in zip(_band_edges[:-1], _band_edges[1:])]
    feats = torch.stack(bands, dim=1)
    return torch.log1p(feats).transpose(1, 2)


def collate_clips(batch):
    wavs, labels = zip(*batch)
    lengths = torch.tensor([w.shape[0] for w in wavs])
    padded = nn.utils.rnn.pad_sequence(wavs, batch_first=True)
    feats = log_band_energies(padded)
    frame_lens = n_frames(lengths)
    pad_mask = torch.arange(int(frame_lens.max()))[None, :] >= frame_lens[:, None]
    return feats, pad_mask, torch.tensor(labels)


class HiveStateTransformer(nn.Module):
    def __init__(self, n_bands=N_BANDS, d_model=64, n_heads=4, n_layers=2, n_classes=len(STATES)):
        super().__init__()
        self.proj = nn.Linear(n_bands, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=128,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, n_classes)
        self.d_model = d_model

    def forward(self, feats, pad_mask):
        h = self.proj(feats) * math.sqrt(self.d_model)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def train(epochs=2):
    ds = HiveAudioClips(48)
    loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate_clips)
    model = HiveStateTransformer()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for feats, pad_mask, labels in loader:
            logits = model(feats, pad_mask)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch} loss {total / seen:.3f} acc {correct / seen:.2f}")
    return model


if __name__ == "__main__":
    train()
