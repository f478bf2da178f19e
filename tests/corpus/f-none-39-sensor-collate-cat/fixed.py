from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class RunConfig:
    channels: int = 3
    window: int = 100
    num_activities: int = 5
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3


class AccelWindows(Dataset):
    def __init__(self, n_windows, channels, window, num_activities, seed=7):
        g = torch.Generator().manual_seed(seed)
        self.signals = torch.randn(n_windows, channels, window, generator=g)
        self.activity = torch.randint(0, num_activities, (n_windows,), generator=g)

    def __len__(self):
        return self.signals.size(0)

    def __getitem__(self, idx):
        x = self.signals[idx]
        x = (x - x.mean(dim=-1, keepdim=True)) / (x.std(dim=-1, keepdim=True) + 1e-6)
        return x, int(self.activity[idx])


def batch_windows(samples):
    windows = torch.stack([w for w, _ in samples])
    labels = torch.tensor([y for _, y in samples], dtype=torch.long)
    return windows, labels


class ActivityNet(nn.Module):
    def __init__(self, channels, num_activities):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(channels, 32, kernel_size=5, padding=2),
            nn.BatchNorm1d(32),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(32, 64, kernel_size=5, padding=2),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(64, num_activities)

    def forward(self, x):
        return self.classifier(self.features(x).squeeze(-1))


def train(cfg: RunConfig):
    torch.manual_seed(0)
    data = AccelWindows(160, cfg.channels, cfg.window, cfg.num_activities)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, collate_fn=batch_windows)
    net = ActivityNet(cfg.channels, cfg.num_activities)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        net.train()
        correct, total = 0, 0
        for windows, labels in loader:
            opt.zero_grad()
            scores = net(windows)
            loss = loss_fn(scores, labels)
            loss.backward()
            opt.step()
            correct += (scores.argmax(dim=1) == labels).sum().item()
            total += labels.numel()
        print(f"epoch {epoch} loss={loss.item():.3f} acc={correct / total:.2f}")
    return net


if __name__ == "__main__":
    train(RunConfig())
