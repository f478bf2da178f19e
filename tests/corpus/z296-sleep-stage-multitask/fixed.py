"""Sleep staging from single-channel EEG plus a night-level apnea flag.

A night is split into 30-second epochs; every epoch gets one of five stages
(W, N1, N2, N3, REM) and the whole night gets a binary apnea label.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

STAGES = ["W", "N1", "N2", "N3", "REM"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--nights", type=int, default=48)
    p.add_argument("--epochs-per-night", type=int, default=30)
    p.add_argument("--samples-per-epoch", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--apnea-weight", type=float, default=0.5)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def synth_recordings(args):
    rng = np.random.default_rng(args.seed)
    n, t, s = args.nights, args.epochs_per_night, args.samples_per_epoch
    stages = rng.integers(0, len(STAGES), size=(n, t))
    freqs = np.array([10.0, 7.0, 5.0, 2.0, 6.0])[stages]
    time = np.linspace(0, 1, s)
    eeg = np.sin(2 * np.pi * freqs[..., None] * time) + 0.3 * rng.standard_normal((n, t, s))
    apnea = (rng.random(n) < 0.3).astype(np.float32)
    return (torch.tensor(eeg, dtype=torch.float32),
            torch.tensor(stages, dtype=torch.long),
            torch.tensor(apnea))


class EpochEncoder(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(1, 16, kernel_size=7, padding=3), nn.ReLU(), nn.MaxPool1d(4),
            nn.Conv1d(16, hidden, kernel_size=5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
        )

    def forward(self, x):
        b, t, s = x.shape
        feats = self.conv(x.reshape(b * t, 1, s))
        return feats.reshape(b, t, -1)


class SleepNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.epoch_enc = EpochEncoder(hidden)
        self.context = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.stage_head = nn.Linear(2 * hidden, len(STAGES))
        self.apnea_head = nn.Linear(2 * hidden, 1)

    def forward(self, eeg):
        seq, _ = self.context(self.epoch_enc(eeg))
        return self.stage_head(seq), self.apnea_head(seq.mean(dim=1)).squeeze(-1)


class MultiTaskLoss(nn.Module):
    def __init__(self, apnea_weight):
        super().__init__()
        self.apnea_weight = apnea_weight

    def forward(self, stage_logits, apnea_logit, stages, apnea):
        stage_loss = F.cross_entropy(stage_logits.reshape(-1, stage_logits.size(-1)), stages.reshape(-1))
        apnea_loss = F.binary_cross_entropy_with_logits(apnea_logit, apnea)
        return stage_loss + self.apnea_weight * apnea_loss, stage_loss.detach()


def train(args):
    torch.manual_seed(args.seed)
    eeg, stages, apnea = synth_recordings(args)
    model = SleepNet(args.hidden)
    criterion = MultiTaskLoss(args.apnea_weight)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    for start in range(0, args.nights, args.batch_size):
        sl = slice(start, start + args.batch_size)
        stage_logits, apnea_logit = model(eeg[sl])
        loss, stage_loss = criterion(stage_logits, apnea_logit, stages[sl], apnea[sl])
        opt.zero_grad()
        loss.backward()
        opt.step()
        acc = (stage_logits.argmax(-1) == stages[sl]).float().mean()
        print(f"batch {start // args.batch_size}: loss {loss.item():.3f} "
              f"stage {stage_loss.item():.3f} acc {acc.item():.2f}")


if __name__ == "__main__":
    train(get_args())
