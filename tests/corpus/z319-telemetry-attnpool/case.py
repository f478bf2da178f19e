"""Attention-pooled GRU classifier for variable-length machine telemetry windows.

Each sample is a run of sensor readings (vibration, temperature, current, rpm)
from a CNC spindle; we predict the fault class of the run.
"""
import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CFG = {
    "n_sensors": 4,
    "hidden": 32,
    "n_faults": 3,
    "min_len": 12,
    "max_len": 40,
    "batch_size": 8,
    "lr": 3e-3,
    "epochs": 1,
    "n_runs": 16,
}


class SpindleRuns(Dataset):
    def __init__(self, n_runs, seed=7):
        rng = random.Random(seed)
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n_runs):
            length = rng.randint(CFG["min_len"], CFG["max_len"])
            fault = rng.randrange(CFG["n_faults"])
            t = torch.linspace(0, 2 * math.pi, length)
            base = torch.stack([
                torch.sin(t * (1 + fault)),
                0.1 * t + fault,
                torch.cos(t) * 0.5,
                torch.ones(length) * (1.0 - 0.2 * fault),
            ], dim=1)
            readings = base + 0.05 * torch.randn(length, CFG["n_sensors"], generator=g)
            self.items.append((readings, fault))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_runs(batch):
    lengths = [r.shape[0] for r, _ in batch]
    longest = max(lengths)
    x = torch.zeros(len(batch), longest, CFG["n_sensors"])
    valid = torch.zeros(len(batch), longest)
    for i, (readings, _) in enumerate(batch):
        x[i, : lengths[i]] = readings
        valid[i, : lengths[i]] = 1.0
    y = torch.tensor([f for _, f in batch])
    return x, valid, y


class AttnPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, valid):
        logits = self.score(h).squeeze(-1)
        logits = logits.masked_fill(1 - valid, float("-inf"))
        w = torch.softmax(logits, dim=1)
        return torch.bmm(w.unsqueeze(1), h).squeeze(1)


class FaultNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Linear(cfg["n_sensors"], cfg["hidden"])
        self.rnn = nn.GRU(cfg["hidden"], cfg["hidden"], batch_first=True)
        self.pool = AttnPool(cfg["hidden"])
        self.head = nn.Linear(cfg["hidden"], cfg["n_faults"])

    def forward(self, x, valid):
        h, _ = self.rnn(torch.relu(self.proj(x)))
        return self.head(self.pool(h, valid))


def run_epoch(model, loader, opt, loss_fn):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for x, valid, y in loader:
        opt.zero_grad()
        out = model(x, valid)
        loss = loss_fn(out, y)
        loss.backward()
        opt.step()
        total += loss.item() * y.size(0)
        correct += (out.argmax(1) == y).sum().item()
        seen += y.size(0)
    return total / seen, correct / seen


def main():
    torch.manual_seed(0)
    ds = SpindleRuns(CFG["n_runs"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=pad_runs)
    model = FaultNet(CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, loader, opt, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
