from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)

DEFECT_CLASSES = ["ok", "crack", "spalling", "rebar_exposed", "water_stain"]


@dataclass
class InspectionConfig:
    image_size: int = 40
    n_photos: int = 240
    batch_size: int = 16
    min_mean_luma: float = 0.18
    epochs: int = 2
    lr: float = 1e-3


class SitePhotoDataset(Dataset):
    """Synthetic stand-in for the drone / handheld inspection photo archive."""

    def __init__(self, cfg: InspectionConfig):
        self.cfg = cfg
        g = torch.Generator().manual_seed(123)
        self.labels = torch.randint(0, len(DEFECT_CLASSES), (cfg.n_photos,), generator=g)
        # some photos were taken under the deck / at dusk and come out very dark
        self.exposure = torch.rand(cfg.n_photos, generator=g) * 0.9 + 0.05
        self.photo_ids = [f"SITE14-L{(i % 6) + 1}-{i:04d}.jpg" for i in range(cfg.n_photos)]

    def __len__(self):
        return self.cfg.n_photos

    def _render(self, idx):
        s = self.cfg.image_size
        img = torch.rand(3, s, s) * 0.2 + self.exposure[idx]
        label = int(self.labels[idx])
        if label == 1:
            r = torch.randint(0, s, (1,)).item()
            img[:, r, :] *= 0.3
        elif label == 2:
            img[:, s // 3: s // 2, s // 3: s // 2] *= 0.5
        elif label == 3:
            img[0, :, s // 2] += 0.4
        elif label == 4:
            img[2, s // 2:, :] += 0.2
        return img.clamp(0, 1)

    def __getitem__(self, idx):
        img = self._render(idx)
        return {
            "image": img,
            "label": int(self.labels[idx]),
            "photo_id": self.photo_ids[idx],
            "mean_luma": float(img.mean()),
        }


def make_collate(cfg: InspectionConfig):
    def collate(batch):
        usable = [b for b in batch if b["mean_luma"] >= cfg.min_mean_luma]
        images = torch.stack([b["image"] for b in usable])
        labels = torch.tensor([b["label"] for b in batch], dtype=torch.long)
        ids = [b["photo_id"] for b in usable]
        return images, labels, ids
    return collate


class DefectCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(64, n_classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def run_epoch(model, loader, opt, loss_fn, train=True):
    model.train(train)
    total, n = 0.0, 0
    for images, labels, ids in loader:
        with torch.set_grad_enabled(train):
            logits = model(images)
            loss = loss_fn(logits, labels)
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * labels.numel()
        n += labels.numel()
    return total / max(n, 1)


def main():
    cfg = InspectionConfig()
    ds = SitePhotoDataset(cfg)
    n_val = cfg.n_photos // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [cfg.n_photos - n_val, n_val])
    collate = make_collate(cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate)

    model = DefectCNN(len(DEFECT_CLASSES))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        tr = run_epoch(model, train_dl, opt, loss_fn, train=True)
        va = run_epoch(model, val_dl, opt, loss_fn, train=False)
        print(f"epoch {epoch}: train {tr:.4f} val {va:.4f}")


if __name__ == "__main__":
    main()
