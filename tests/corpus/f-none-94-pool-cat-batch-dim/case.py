import math
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(11)

COLONY_STATES = ["queenright", "queenless", "swarming"]


@dataclass
class HiveConfig:
    n_bands: int = 12
    dim: int = 32
    heads: int = 4
    layers: int = 2
    frames: int = 20


def synth_recordings(cfg, n_per_state=16):
    """Fake spectrogram frames from hive microphones, one base pitch per colony state."""
    xs, ys = [], []
    t = torch.linspace(0, 2 * math.pi, cfg.frames).unsqueeze(-1)
    bands = torch.arange(cfg.n_bands).float().unsqueeze(0)
    for label, pitch in enumerate([2.0, 5.0, 8.0]):
        for _ in range(n_per_state):
            energy = torch.exp(-((bands - pitch) ** 2) / 4.0) * (1 + 0.3 * torch.sin(t * (label + 1)))
            xs.append(energy + 0.1 * torch.randn(cfg.frames, cfg.n_bands))
            ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


class HiveAudioNet(nn.Module):
    def __init__(self, cfg: HiveConfig, n_states):
        super().__init__()
        self.start = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.proj = nn.Linear(cfg.n_bands, cfg.dim)
        layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, dim_feedforward=2 * cfg.dim, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.layers)
        self.head = nn.Linear(2 * cfg.dim, n_states)

    def pool(self, h):
        first = h[:, 0]
        mean = h[:, 1:].mean(dim=1)
        return torch.cat([first, mean], dim=0)

    def forward(self, frames):
        x = self.proj(frames)
        x = torch.cat([self.start.expand(x.size(0), -1, -1), x], dim=1)
        h = self.encoder(x)
        return self.head(self.pool(h))


def main():
    cfg = HiveConfig()
    x, y = synth_recordings(cfg)
    perm = torch.randperm(len(y))
    x, y = x[perm], y[perm]
    print(f"recordings: {tuple(x.shape)}, states: {COLONY_STATES}")
    model = HiveAudioNet(cfg, len(COLONY_STATES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(6):
        total = 0.0
        for i in range(0, len(y), 8):
            xb, yb = x[i:i + 8], y[i:i + 8]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        print(f"epoch {epoch}  mean loss {total / len(y):.4f}")
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(-1) == y).float().mean().item()
    print(f"train accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
