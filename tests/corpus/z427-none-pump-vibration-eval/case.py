import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

PUMP_STATES = ["normal", "cavitation", "misalignment", "imbalance", "bearing_wear", "idle"]


def parse_args():
    p = argparse.ArgumentParser(description="Centrifugal pump condition monitoring")
    p.add_argument("--window", type=int, default=32)        # 32 ms frames of the 1 kHz stream
    p.add_argument("--channels", type=int, default=6)       # accel xyz at drive end + non-drive end
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def synth_windows(n, window, channels, rng):
    labels = rng.integers(0, len(PUMP_STATES), size=n)
    freq = np.array([1.0, 3.2, 2.0, 1.0, 4.5, 0.0])[labels]
    amp = np.array([0.3, 1.2, 0.9, 1.5, 0.7, 0.02])[labels]
    t = np.arange(window) / 50.0
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1, channels))
    base = amp[:, None, None] * np.sin(2 * np.pi * freq[:, None, None] * t[None, :, None] + phase)
    dc_offset = np.zeros((n, 1, channels))
    dc_offset[:, 0, 2] = np.where(labels == 5, 1.0, 0.7)
    x = base + dc_offset + 0.1 * rng.standard_normal((n, window, channels))
    return torch.tensor(x, dtype=torch.float32), torch.tensor(labels, dtype=torch.long)


class PumpStateGRU(nn.Module):
    def __init__(self, channels, hidden, n_classes):
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.gru = nn.GRU(channels, hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        out, _ = self.gru(self.norm(x))
        if self.training:
            return self.head(out[:, -1])
        # the edge gateway smooths predictions over every timestep of the window
        return self.head(out)


def evaluate(model, loader, criterion):
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            logits = model(xb)
            total_loss += criterion(logits, yb).item() * len(yb)
            correct += (logits.argmax(-1) == yb).sum().item()
            seen += len(yb)
    return total_loss / seen, correct / seen


def train(args):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x_tr, y_tr = synth_windows(128, args.window, args.channels, rng)
    x_va, y_va = synth_windows(128, args.window, args.channels, rng)
    train_loader = DataLoader(TensorDataset(x_tr, y_tr), batch_size=args.batch_size, shuffle=True)
    val_loader = DataLoader(TensorDataset(x_va, y_va), batch_size=args.batch_size * 2)

    model = PumpStateGRU(args.channels, args.hidden, len(PUMP_STATES))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            running += loss.item() * len(yb)
        val_loss, val_acc = evaluate(model, val_loader, criterion)
        print(f"epoch {epoch + 1}: train {running / len(x_tr):.3f} "
              f"val {val_loss:.3f} acc {val_acc:.3f}")
    return model


if __name__ == "__main__":
    train(parse_args())
