import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrainConfig:
    crop: str = "tomato"
    image_size: int = 48
    batch_size: int = 16
    epochs: int = 2
    lr: float = 3e-3
    seed: int = 17
    diseases: tuple = (
        "bacterial_spot",
        "early_blight",
        "late_blight",
        "leaf_mold",
        "septoria_leaf_spot",
    )
    channel_mean: list = field(default_factory=lambda: [0.45, 0.52, 0.38])
    channel_std: list = field(default_factory=lambda: [0.21, 0.19, 0.22])


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_scouting_records(n, cfg, rng):
    """Simulate an export from the field scouting app: (plot_id, label, image)."""
    observed = list(cfg.diseases) + ["healthy"]
    weights = np.array([0.12, 0.14, 0.1, 0.08, 0.11, 0.45])
    records = []
    for i in range(n):
        label = observed[rng.choice(len(observed), p=weights / weights.sum())]
        base = rng.normal(0.45, 0.1, size=(3, cfg.image_size, cfg.image_size))
        if label != "healthy":
            k = observed.index(label)
            cy, cx = rng.integers(8, cfg.image_size - 8, size=2)
            base[:, cy - 4:cy + 4, cx - 4:cx + 4] += 0.1 * (k + 1)
        records.append({"plot_id": f"T{i // 8:03d}", "label": label,
                        "image": base.astype(np.float32)})
    return records


class LeafImageDataset(Dataset):
    def __init__(self, records, label_to_idx, mean, std):
        self.records = records
        self.label_to_idx = label_to_idx
        self.mean = torch.tensor(mean).view(3, 1, 1)
        self.std = torch.tensor(std).view(3, 1, 1)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        img = torch.from_numpy(rec["image"])
        img = (img - self.mean) / self.std
        if random.random() < 0.5:
            img = torch.flip(img, dims=[2])
        return img, self.label_to_idx[rec["label"]]


class LeafNet(nn.Module):
    def __init__(self, num_classes, width=16):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, width * 2, 3, padding=1), nn.BatchNorm2d(width * 2), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width * 2, width * 4, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.2),
                                  nn.Linear(width * 4, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


def build_label_map(records):
    names = sorted({r["label"] for r in records})
    return {name: i for i, name in enumerate(names)}


def train_one_epoch(model, loader, optimizer, epoch):
    model.train()
    running, correct, seen = 0.0, 0, 0
    for step, (images, targets) in enumerate(loader):
        logits = model(images)
        loss = F.cross_entropy(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * images.size(0)
        correct += (logits.argmax(1) == targets).sum().item()
        seen += images.size(0)
    print(f"epoch {epoch}: loss={running / seen:.4f} acc={correct / seen:.3f}")


def main():
    cfg = TrainConfig()
    seed_everything(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    records = make_scouting_records(160, cfg, rng)
    label_to_idx = build_label_map(records)
    print(f"{cfg.crop}: {len(records)} leaf images, labels: {label_to_idx}")

    train_ds = LeafImageDataset(records, label_to_idx, cfg.channel_mean, cfg.channel_std)
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    model = LeafNet(num_classes=len(label_to_idx))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for epoch in range(cfg.epochs):
        train_one_epoch(model, train_loader, optimizer, epoch)

    torch.save(model.state_dict(), f"leafnet_{cfg.crop}.pt")


if __name__ == "__main__":
    main()
