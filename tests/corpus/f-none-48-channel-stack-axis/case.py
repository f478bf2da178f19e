from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class Config:
    channels: tuple = ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")
    window: int = 40
    stride: int = 20
    hidden: int = 32
    n_activities: int = 4
    batch_size: int = 8
    lr: float = 3e-3
    epochs: int = 2


def simulate_recording(cfg, n_samples=1200, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_samples) / 50.0
    activity = (t // 4).astype(np.int64) % cfg.n_activities
    recording = {}
    for k, name in enumerate(cfg.channels):
        freq = 0.5 + activity * 0.7 + 0.1 * k
        recording[name] = (np.sin(2 * np.pi * freq * t) + 0.2 * rng.standard_normal(n_samples)).astype(np.float32)
    return recording, activity


class WearableWindows(Dataset):
    def __init__(self, recording, activity, cfg):
        self.recording = recording
        self.activity = activity
        self.cfg = cfg
        n = len(activity)
        self.starts = list(range(0, n - cfg.window + 1, cfg.stride))

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, idx):
        s = self.starts[idx]
        e = s + self.cfg.window
        window = np.stack([self.recording[ch][s:e] for ch in self.cfg.channels])
        label = np.bincount(self.activity[s:e], minlength=self.cfg.n_activities).argmax()
        return torch.from_numpy(window), torch.tensor(label, dtype=torch.long)


class ActivityGRU(nn.Module):
    def __init__(self, n_channels, hidden, n_classes):
        super().__init__()
        self.rnn = nn.GRU(input_size=n_channels, hidden_size=hidden, batch_first=True)
        self.classifier = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, n_classes))

    def forward(self, x):
        _, h_last = self.rnn(x)
        return self.classifier(h_last[-1])


def run(cfg):
    torch.manual_seed(0)
    recording, activity = simulate_recording(cfg)
    loader = DataLoader(WearableWindows(recording, activity, cfg), batch_size=cfg.batch_size, shuffle=True)
    model = ActivityGRU(len(cfg.channels), cfg.hidden, cfg.n_activities)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        correct, seen, running = 0, 0, 0.0
        for windows, labels in loader:
            logits = model(windows)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * labels.size(0)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += labels.size(0)
        print(f"epoch {epoch + 1}: loss={running / seen:.3f} acc={correct / seen:.2%}")


if __name__ == "__main__":
    run(Config())
