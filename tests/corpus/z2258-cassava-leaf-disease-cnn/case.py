"""Cassava leaf disease classifier (CBB / CBSD / CGM / CMD / healthy).

Field photos are resized to 128x128 on export from the phone app; during
training we take random 112x112 crops so the net does not latch onto the
leaf border / background.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

CONFIG = {
    "classes": ["cbb", "cbsd", "cgm", "cmd", "healthy"],
    "img_size": 128,
    "crop_size": 112,
    "channels": [3, 16, 32, 64],
    "dropout": 0.3,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-3,
    "n_train": 64,
    "n_val": 32,
    "seed": 3,
}


def synth_leaf(label, size, rng):
    """Green leaf blade on soil background with class-dependent lesions."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    img = np.empty((size, size, 3), dtype=np.float32)
    img[...] = [0.45, 0.33, 0.22]
    blade = ((xx - 0.5) / 0.38) ** 2 + ((yy - 0.5) / 0.45) ** 2 < 1
    img[blade] = [0.18, 0.55, 0.2]
    n_spots = [12, 6, 20, 30, 0][label]
    for _ in range(n_spots):
        cy, cx = rng.uniform(0.15, 0.85, 2)
        r = rng.uniform(0.01, 0.05)
        spot = ((yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2) & blade
        colour = [[0.5, 0.4, 0.1], [0.7, 0.65, 0.2], [0.6, 0.7, 0.3], [0.85, 0.85, 0.4]][label % 4]
        img[spot] = colour
    img += rng.normal(0, 0.03, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


class LeafPhotoDataset(Dataset):
    def __init__(self, n, cfg, train, seed):
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(0, len(cfg["classes"]), n)
        self.images = [synth_leaf(int(l), cfg["img_size"], rng) for l in self.labels]
        self.crop = cfg["crop_size"]
        self.train = train
        self.rng = np.random.default_rng(seed + 1)
        self.mean = torch.tensor([0.3, 0.5, 0.22]).view(3, 1, 1)
        self.std = torch.tensor([0.15, 0.15, 0.1]).view(3, 1, 1)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx]).permute(2, 0, 1)
        size = img.shape[-1]
        if self.train:
            top, left = self.rng.integers(0, size - self.crop + 1, 2)
            if self.rng.random() < 0.5:
                img = img.flip(-1)
        else:
            top = left = (size - self.crop) // 2
        img = img[:, top:top + self.crop, left:left + self.crop]
        img = (img - self.mean) / self.std
        return img, int(self.labels[idx])


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class LeafNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        chans = cfg["channels"]
        self.features = nn.Sequential(*[conv_block(a, b) for a, b in zip(chans[:-1], chans[1:])])
        n_pools = len(chans) - 1
        side = cfg["img_size"] // (2 ** n_pools)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(cfg["dropout"]),
            nn.Linear(chans[-1] * side * side, 128),
            nn.ReLU(inplace=True),
            nn.Linear(128, len(cfg["classes"])),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for imgs, labels in loader:
            hits += (model(imgs).argmax(1) == labels).sum().item()
            total += labels.numel()
    return hits / total


def train(cfg):
    torch.manual_seed(cfg["seed"])
    train_ds = LeafPhotoDataset(cfg["n_train"], cfg, train=True, seed=cfg["seed"])
    val_ds = LeafPhotoDataset(cfg["n_val"], cfg, train=False, seed=cfg["seed"] + 100)
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = LeafNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    for epoch in range(cfg["epochs"]):
        model.train()
        for step, (imgs, labels) in enumerate(train_dl):
            logits = model(imgs)
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 3 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f}")
        print(f"epoch {epoch} val acc {evaluate(model, val_dl):.3f}")
    return model


if __name__ == "__main__":
    train(CONFIG)
