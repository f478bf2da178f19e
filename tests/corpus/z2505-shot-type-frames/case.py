import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split

torch.manual_seed(0)
np.random.seed(0)

SHOT_TYPES = ["extreme_close_up", "close_up", "medium", "medium_wide", "wide"]

CONFIG = {
    "frame_hw": (72, 128),      # 16:9 proxy frames downscaled from 1280x720 stills
    "in_channels": 3,
    "channels": [16, 32, 64],
    "embed_dim": 128,
    "dropout": 0.2,
    "batch_size": 8,
    "epochs": 3,
    "lr": 1e-3,
    "n_frames": 96,
}


def render_frame(shot_idx, hw, rng):
    """Fake a frame: a subject blob whose apparent size depends on the shot scale."""
    h, w = hw
    frame = rng.normal(0.35, 0.08, size=(3, h, w)).astype(np.float32)
    scale = [0.9, 0.6, 0.38, 0.22, 0.1][shot_idx]
    radius = scale * h / 2
    cy = h / 2 + rng.uniform(-0.1, 0.1) * h
    cx = w * rng.choice([1 / 3, 1 / 2, 2 / 3])
    yy, xx = np.mgrid[0:h, 0:w]
    blob = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2)))
    frame[0] += 0.5 * blob
    frame[1] += 0.3 * blob
    frame[2] += 0.2 * blob
    return np.clip(frame, 0.0, 1.0)


class ShotFrames(Dataset):
    def __init__(self, n, hw, seed=0):
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(0, len(SHOT_TYPES), size=n)
        self.frames = np.stack([render_frame(int(l), hw, rng) for l in self.labels])
        self.mean = self.frames.mean(axis=(0, 2, 3), keepdims=True)[0]
        self.std = self.frames.std(axis=(0, 2, 3), keepdims=True)[0]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = (self.frames[i] - self.mean) / (self.std + 1e-6)
        return torch.from_numpy(x), int(self.labels[i])


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class ShotTypeNet(nn.Module):
    def __init__(self, cfg, n_classes):
        super().__init__()
        chans = [cfg["in_channels"]] + cfg["channels"]
        self.backbone = nn.Sequential(*[ConvBlock(a, b) for a, b in zip(chans[:-1], chans[1:])])
        stride = 2 ** len(cfg["channels"])
        side = cfg["frame_hw"][0] // stride
        flat_dim = cfg["channels"][-1] * side * side
        self.embed = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat_dim, cfg["embed_dim"]),
            nn.ReLU(),
            nn.Dropout(cfg["dropout"]),
        )
        self.head = nn.Linear(cfg["embed_dim"], n_classes)

    def forward(self, frames):
        feats = self.backbone(frames)
        return self.head(self.embed(feats))


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for x, y in loader:
            pred = model(x).argmax(dim=1)
            correct += (pred == y).sum().item()
            total += y.numel()
    model.train()
    return correct / max(total, 1)


def main(cfg):
    data = ShotFrames(cfg["n_frames"], cfg["frame_hw"], seed=3)
    n_val = math.ceil(0.25 * len(data))
    train_set, val_set = random_split(data, [len(data) - n_val, n_val],
                                      generator=torch.Generator().manual_seed(0))
    train_loader = DataLoader(train_set, batch_size=cfg["batch_size"], shuffle=True, drop_last=True)
    val_loader = DataLoader(val_set, batch_size=cfg["batch_size"])

    model = ShotTypeNet(cfg, len(SHOT_TYPES))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg["epochs"] * len(train_loader))

    for epoch in range(cfg["epochs"]):
        total_loss = 0.0
        for frames, shot in train_loader:
            logits = model(frames)
            loss = F.cross_entropy(logits, shot)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sched.step()
            total_loss += loss.item() * frames.size(0)
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch + 1}: train loss {total_loss / len(train_set):.3f}  val acc {acc:.2%}")

    torch.save(model.state_dict(), "shot_type_net.pt")


if __name__ == "__main__":
    main(CONFIG)
