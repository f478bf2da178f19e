import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class Settings:
    n_recordings: int = 96
    channels: int = 6
    min_steps: int = 20
    max_steps: int = 60
    n_activities: int = 4
    batch_size: int = 16
    hidden: int = 32
    lr: float = 1e-3
    epochs: int = 2


class ImuRecordings(Dataset):
    def __init__(self, cfg: Settings, seed: int = 0):
        rng = random.Random(seed)
        self.items = []
        for _ in range(cfg.n_recordings):
            steps = rng.randint(cfg.min_steps, cfg.max_steps)
            activity = rng.randrange(cfg.n_activities)
            signal = torch.randn(steps, cfg.channels) + 0.5 * activity
            self.items.append((signal, activity))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_batch(batch):
    signals, activities = zip(*batch)
    lengths = torch.tensor([s.size(0) for s in signals])
    longest = int(lengths.max())
    padded = [F.pad(s, (0, 0, 0, longest - s.size(0))) for s in signals]
    return torch.stack(padded), lengths, torch.tensor(activities)


class ActivityGRU(nn.Module):
    def __init__(self, cfg: Settings):
        super().__init__()
        self.rnn = nn.GRU(cfg.channels, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, cfg.n_activities)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths, batch_first=True, enforce_sorted=False
        )
        _, h = self.rnn(packed)
        return self.head(h[-1])


def train(cfg: Settings):
    torch.manual_seed(0)
    data = ImuRecordings(cfg)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=pad_batch)
    model = ActivityGRU(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total, correct, running = 0, 0, 0.0
        for x, lengths, y in loader:
            logits = model(x, lengths)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * y.size(0)
            correct += (logits.argmax(1) == y).sum().item()
            total += y.size(0)
        print(f"epoch {epoch}: loss {running / total:.4f} acc {correct / total:.3f}")


if __name__ == "__main__":
    train(Settings())
