import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class ECGConfig:
    n_leads: int = 3
    channels: int = 32
    n_rhythms: int = 4
    batch_size: int = 4
    lr: float = 1e-3
    epochs: int = 1


class SyntheticECG(Dataset):
    def __init__(self, n_records, n_leads, n_rhythms, seed=0):
        rng = random.Random(seed)
        self.records = []
        for _ in range(n_records):
            length = rng.choice([360, 480, 600, 720])
            signal = torch.randn(n_leads, length) * 0.1
            beat = torch.sin(torch.linspace(0, 12.0, length))
            signal = signal + beat.unsqueeze(0)
            self.records.append((signal, rng.randrange(n_rhythms)))

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return self.records[idx]


def collate_records(batch):
    longest = max(sig.shape[1] for sig, _ in batch)
    n_leads = batch[0][0].shape[0]
    signals = torch.zeros(len(batch), n_leads, longest)
    valid = torch.zeros(len(batch), longest)
    for row, (sig, _) in enumerate(batch):
        signals[row, :, : sig.shape[1]] = sig
        valid[row, : sig.shape[1]] = 1.0
    labels = torch.tensor([lab for _, lab in batch])
    return signals, valid, labels


class RhythmClassifier(nn.Module):
    def __init__(self, cfg: ECGConfig):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(cfg.n_leads, cfg.channels, kernel_size=7, stride=2, padding=3),
            nn.GELU(),
            nn.Conv1d(cfg.channels, cfg.channels, kernel_size=5, stride=2, padding=2),
            nn.GELU(),
        )
        self.encoder = nn.GRU(cfg.channels, cfg.channels, batch_first=True)
        self.head = nn.Linear(cfg.channels, cfg.n_rhythms)

    def masked_mean(self, frames, valid):
        weights = valid.unsqueeze(-1)
        summed = (weights * frames).sum(dim=1)
        return summed / weights.sum(dim=1).clamp(min=1.0)

    def forward(self, signals, valid):
        frames = self.frontend(signals).transpose(1, 2)
        frames, _ = self.encoder(frames)
        pooled = self.masked_mean(frames, valid)
        return self.head(pooled)


def train(cfg: ECGConfig):
    torch.manual_seed(0)
    data = SyntheticECG(24, cfg.n_leads, cfg.n_rhythms)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_records)
    model = RhythmClassifier(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total, correct, seen = 0.0, 0, 0
        for signals, valid, labels in loader:
            logits = model(signals, valid)
            loss = F.cross_entropy(logits, labels)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item() * labels.size(0)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")
    return model


if __name__ == "__main__":
    train(ECGConfig())
