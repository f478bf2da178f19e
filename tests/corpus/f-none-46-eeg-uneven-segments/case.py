from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class EEGConfig:
    n_channels: int = 3
    n_samples: int = 500
    n_segments: int = 3
    n_classes: int = 4
    n_recordings: int = 32
    batch_size: int = 8
    lr: float = 1e-3


class SegmentedEEG(Dataset):
    def __init__(self, cfg: EEGConfig, seed: int = 0):
        g = torch.Generator().manual_seed(seed)
        self.signals = torch.randn(cfg.n_recordings, cfg.n_channels, cfg.n_samples, generator=g)
        self.labels = torch.randint(0, cfg.n_classes, (cfg.n_recordings,), generator=g)
        self.n_segments = cfg.n_segments

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        x = self.signals[idx]
        x = (x - x.mean(dim=-1, keepdim=True)) / (x.std(dim=-1, keepdim=True) + 1e-6)
        segments = list(torch.tensor_split(x, self.n_segments, dim=-1))
        return segments, self.labels[idx]


class SegmentEncoder(nn.Module):
    def __init__(self, n_channels, width=16):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_channels, width, kernel_size=7, padding=3),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )

    def forward(self, x):
        return self.conv(x).squeeze(-1)


class SegmentPoolingClassifier(nn.Module):
    def __init__(self, cfg: EEGConfig, width=16):
        super().__init__()
        self.encoder = SegmentEncoder(cfg.n_channels, width)
        self.head = nn.Linear(width, cfg.n_classes)

    def forward(self, segments):
        seg = torch.stack(segments, dim=1)
        b, s, c, t = seg.shape
        feats = self.encoder(seg.reshape(b * s, c, t)).reshape(b, s, -1)
        return self.head(feats.mean(dim=1))


def train_one_epoch(model, loader, optimizer):
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for segments, labels in loader:
        logits = model(segments)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.size(0)
    return total / len(loader.dataset)


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = EEGConfig()
    ds = SegmentedEEG(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)
    model = SegmentPoolingClassifier(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(2):
        avg = train_one_epoch(model, loader, optimizer)
        print(f"epoch {epoch} loss {avg:.4f}")
