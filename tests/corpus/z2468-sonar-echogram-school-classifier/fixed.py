"""Classify fish schools from split-beam echosounder data.

Each acoustic school is a variable-length run of pings; every ping carries the
Sv values of a few depth bins at 38/120 kHz plus bottom depth. A small
transformer encoder reads the ping sequence and predicts the dominant species
group (herring / sprat / mackerel / mixed).
"""
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class EchoConfig:
    n_depth_bins: int = 12
    n_freqs: int = 2
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    n_species: int = 4
    min_pings: int = 20
    max_pings: int = 128
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7


SPECIES = ["herring", "sprat", "mackerel", "mixed"]


def simulate_school(rng, cfg, label):
    n_pings = rng.integers(cfg.min_pings, cfg.max_pings // 2 + 20)
    base_sv = {0: -48.0, 1: -55.0, 2: -62.0, 3: -52.0}[label]
    freq_response = {0: (0.0, 2.0), 1: (0.0, 4.0), 2: (0.0, -6.0), 3: (0.0, 1.0)}[label]
    sv = np.empty((n_pings, cfg.n_freqs, cfg.n_depth_bins), dtype=np.float32)
    centre = rng.uniform(3, cfg.n_depth_bins - 3)
    for p in range(n_pings):
        depth_profile = np.exp(-0.5 * ((np.arange(cfg.n_depth_bins) - centre) / 1.5) ** 2)
        for f in range(cfg.n_freqs):
            sv[p, f] = base_sv + freq_response[f] + 10 * np.log10(depth_profile + 1e-3) + rng.normal(0, 1.5, cfg.n_depth_bins)
        centre += rng.normal(0, 0.2)
    bottom = rng.uniform(40, 120, size=(n_pings, 1)).astype(np.float32)
    feats = np.concatenate([sv.reshape(n_pings, -1), bottom / 100.0], axis=1)
    return feats


class EchogramSchools(Dataset):
    def __init__(self, cfg, n_schools=96):
        rng = np.random.default_rng(cfg.seed)
        self.items = []
        for i in range(n_schools):
            label = int(rng.integers(0, cfg.n_species))
            self.items.append((simulate_school(rng, cfg, label), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        feats, label = self.items[idx]
        feats = (feats + 60.0) / 20.0
        return torch.from_numpy(feats), label


def padding_mask(lengths, max_len):
    steps = torch.arange(max_len).unsqueeze(0)
    return steps >= torch.as_tensor(lengths).unsqueeze(1)


def make_collate(cfg):
    def collate(batch):
        feats, labels = zip(*batch)
        lengths = [f.shape[0] for f in feats]
        padded = nn.utils.rnn.pad_sequence(feats, batch_first=True, padding_value=0.0)
        mask = padding_mask(lengths, padded.size(1))
        return padded, mask, torch.tensor(labels)
    return collate


class PingPositional(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class SchoolTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        in_dim = cfg.n_freqs * cfg.n_depth_bins + 1
        self.proj = nn.Linear(in_dim, cfg.d_model)
        self.pos = PingPositional(cfg.d_model, cfg.max_pings)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, cfg.n_species)

    def forward(self, pings, pad_mask):
        h = self.pos(self.proj(pings))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def train(cfg):
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    ds = EchogramSchools(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=make_collate(cfg))
    model = SchoolTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for pings, pad_mask, labels in loader:
            logits = model(pings, pad_mask)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch}: loss {total / seen:.3f} acc {correct / seen:.3f}")
    return model


if __name__ == "__main__":
    train(EchoConfig())
