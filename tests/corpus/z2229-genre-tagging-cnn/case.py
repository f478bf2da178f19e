import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

GENRES = ["blues", "classical", "country", "disco", "hiphop",
          "jazz", "metal", "pop", "reggae", "rock"]
GENRE_TO_IDX = {g: i for i, g in enumerate(GENRES)}


@dataclass
class TrainConfig:
    n_mels: int = 48
    clip_frames: int = 128
    crop_frames: int = 96
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    val_fraction: float = 0.2
    seed: int = 0


def synth_metadata(rng):
    """Two annotation rounds: the first 9 genres, then a late batch of reggae tracks."""
    rows = []
    track_id = 0
    for g in GENRES:
        if g == "reggae":
            continue
        for _ in range(14):
            rows.append({"track_id": f"trk{track_id:04d}", "genre": g,
                         "tempo": float(rng.uniform(70, 170))})
            track_id += 1
    rng.shuffle(rows)
    for _ in range(10):
        rows.append({"track_id": f"trk{track_id:04d}", "genre": "reggae",
                     "tempo": float(rng.uniform(70, 90))})
        track_id += 1
    return rows


def synth_logmel(genre_idx, cfg, rng):
    base = rng.normal(0.0, 1.0, size=(cfg.n_mels, cfg.clip_frames)).astype(np.float32)
    band = (genre_idx * 4) % cfg.n_mels
    base[band:band + 6] += 2.0
    return base


class GenreClipDataset(Dataset):
    def __init__(self, rows, specs, cfg, train=True):
        self.rows = rows
        self.specs = specs
        self.cfg = cfg
        self.train = train

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        spec = self.specs[row["track_id"]]
        if self.train:
            start = random.randint(0, self.cfg.clip_frames - self.cfg.crop_frames)
        else:
            start = (self.cfg.clip_frames - self.cfg.crop_frames) // 2
        crop = spec[:, start:start + self.cfg.crop_frames]
        x = torch.from_numpy(crop).unsqueeze(0)
        y = GENRE_TO_IDX[row["genre"]]
        return x, y


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(torch.relu(self.bn(self.conv(x))))


class GenreCNN(nn.Module):
    def __init__(self, n_classes, channels=(16, 32, 64)):
        super().__init__()
        blocks, c_in = [], 1
        for c in channels:
            blocks.append(ConvBlock(c_in, c))
            c_in = c
        self.features = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(0.3)
        self.classifier = nn.Linear(c_in, n_classes)

    def forward(self, x):
        h = self.features(x)
        h = h.mean(dim=(2, 3))
        return self.classifier(self.dropout(h))


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            pred = model(x).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
    return correct / max(total, 1)


def main():
    cfg = TrainConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    rows = synth_metadata(rng)
    specs = {r["track_id"]: synth_logmel(GENRE_TO_IDX[r["genre"]], cfg, rng) for r in rows}

    n_val = int(len(rows) * cfg.val_fraction)
    train_rows, val_rows = rows[:-n_val], rows[-n_val:]

    train_y = np.array([GENRE_TO_IDX[r["genre"]] for r in train_rows])
    n_classes = len(np.unique(train_y))
    print(f"{len(train_rows)} train / {len(val_rows)} val clips, {n_classes} genres")

    train_dl = DataLoader(GenreClipDataset(train_rows, specs, cfg, train=True),
                          batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(GenreClipDataset(val_rows, specs, cfg, train=False),
                        batch_size=cfg.batch_size)

    model = GenreCNN(n_classes)
    class_counts = np.bincount(train_y, minlength=n_classes)
    print("train clips per genre:", class_counts.tolist())
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for x, y in train_dl:
            logits = model(x)
            loss = criterion(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * x.size(0)
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}: loss {running / len(train_dl.dataset):.4f} val acc {acc:.3f}")


if __name__ == "__main__":
    main()
