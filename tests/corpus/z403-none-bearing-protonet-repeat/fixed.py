"""Bearing fault diagnosis from accelerometer windows with a learned-prototype classifier
(distance to one prototype per fault type)."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

FAULTS = ["healthy", "inner_race", "outer_race", "ball", "cage"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--window", type=int, default=256)
    p.add_argument("--per-class", type=int, default=32)
    p.add_argument("--embed-dim", type=int, default=24)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--temperature", type=float, default=4.0)
    return p.parse_args()


def simulate_vibration(n_per_class, window, seed=5):
    """Shaft at ~30 Hz plus a fault-specific impact frequency, sampled at 2 kHz."""
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(window) / 2000.0
    fault_hz = [0.0, 162.0, 107.0, 141.0, 12.0]
    xs, ys = [], []
    for k, fhz in enumerate(fault_hz):
        for _ in range(n_per_class):
            phase = torch.rand(1, generator=g) * 6.28
            sig = torch.sin(2 * torch.pi * 30 * t + phase)
            if fhz > 0:
                sig = sig + 0.8 * torch.sin(2 * torch.pi * fhz * t) * (torch.sin(2 * torch.pi * 30 * t) > 0.7)
            sig = sig + 0.25 * torch.randn(window, generator=g)
            xs.append(sig)
            ys.append(k)
    return torch.stack(xs).unsqueeze(1), torch.tensor(ys)


class VibrationEncoder(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(1, 16, 9, stride=2, padding=4), nn.GELU(),
            nn.Conv1d(16, 32, 9, stride=2, padding=4), nn.GELU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.proj = nn.Linear(32, embed_dim)

    def forward(self, x):
        return self.proj(self.net(x).squeeze(-1))


class PrototypeClassifier(nn.Module):
    def __init__(self, embed_dim, n_classes, temperature):
        super().__init__()
        self.encoder = VibrationEncoder(embed_dim)
        self.prototypes = nn.Parameter(torch.randn(n_classes, embed_dim) * 0.1)
        self.temperature = temperature

    def forward(self, x):
        z = F.normalize(self.encoder(x), dim=-1)
        protos = F.normalize(self.prototypes, dim=-1)
        B, K = z.size(0), protos.size(0)
        z_rep = z.unsqueeze(1).expand(B, K, -1)
        sq_dist = (z_rep - protos.unsqueeze(0)).pow(2).sum(-1)
        return -self.temperature * sq_dist


def run_epoch(model, loader, opt):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for xb, yb in loader:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss_sum += loss.item() * yb.size(0)
        correct += (logits.argmax(1) == yb).sum().item()
        total += yb.size(0)
    return loss_sum / total, correct / total


def main():
    args = parse_args()
    torch.manual_seed(0)
    X, y = simulate_vibration(args.per_class, args.window)
    loader = DataLoader(TensorDataset(X, y), batch_size=args.batch_size, shuffle=True)
    model = PrototypeClassifier(args.embed_dim, len(FAULTS), args.temperature)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        loss, acc = run_epoch(model, loader, opt)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
