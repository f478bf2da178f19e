"""Sleep-stage scoring from 30 s EEG epochs. The montage used to have 16 channels;
this recording site drops four noisy frontal ones."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULT_CHANNELS = 16
STAGES = ["W", "N1", "N2", "N3", "REM"]


class ChannelScaler(nn.Module):
    """Per-channel standardisation with running statistics (microvolt scale differs per site)."""

    def __init__(self, n_channels: int = DEFAULT_CHANNELS, momentum: float = 0.1, eps: float = 1e-5):
        super().__init__()
        self.momentum = momentum
        self.eps = eps
        self.register_buffer("mean", torch.zeros(n_channels))
        self.register_buffer("std", torch.ones(n_channels))

    def forward(self, x):
        # x: (batch, time, channels)
        out = (x - self.mean) / (self.std + self.eps)
        if self.training:
            with torch.no_grad():
                flat = x.reshape(-1, x.shape[-1])
                self.mean.lerp_(flat.mean(0), self.momentum)
                self.std.lerp_(flat.std(0), self.momentum)
        return out


class StageNet(nn.Module):
    def __init__(self, n_channels: int, n_stages: int, width: int = 24):
        super().__init__()
        self.scaler = ChannelScaler(n_channels)
        self.conv1 = nn.Conv1d(n_channels, width, kernel_size=7, stride=2)
        self.conv2 = nn.Conv1d(width, width, kernel_size=5, stride=2)
        self.head = nn.Linear(width, n_stages)

    def forward(self, x):
        x = self.scaler(x.transpose(1, 2)).transpose(1, 2)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.head(x.mean(-1))


def simulate_epochs(n, n_channels, n_samples, gen):
    stage = torch.randint(0, len(STAGES), (n,), generator=gen)
    t = torch.linspace(0, 30, n_samples)
    freq = torch.tensor([9.0, 6.0, 13.0, 2.0, 7.0])[stage]
    wave = torch.sin(2 * torch.pi * freq[:, None] * t[None, :])
    x = wave[:, None, :] * (1 + 0.3 * torch.rand(n, n_channels, 1, generator=gen))
    x = x + 0.5 * torch.randn(n, n_channels, n_samples, generator=gen)
    return x * 40.0 + 5.0, stage


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--channels", type=int, default=12)
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=16)
    return p.parse_args()


def main():
    args = parse_args()
    gen = torch.Generator().manual_seed(5)
    train_x, train_y = simulate_epochs(160, args.channels, args.samples, gen)
    val_x, val_y = simulate_epochs(48, args.channels, args.samples, gen)

    model = StageNet(args.channels, len(STAGES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(train_x), generator=gen)
        total = 0.0
        for i in range(0, len(perm), args.batch):
            idx = perm[i:i + args.batch]
            loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(val_x).argmax(-1) == val_y).float().mean().item()
        print(f"epoch {epoch}: loss {total / len(train_x):.3f}  val acc {acc:.2f}")


if __name__ == "__main__":
    main()
