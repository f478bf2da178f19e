import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split

CAM_H, CAM_W = 48, 64
MAX_BEES = 14
rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def render_entrance_frames(n):
    """Fake landing-board camera frames (HWC, uint8) with a known number of bees."""
    frames = np.empty((n, CAM_H, CAM_W, 3), dtype=np.uint8)
    counts = rng.integers(0, MAX_BEES + 1, size=n)
    yy, xx = np.mgrid[0:CAM_H, 0:CAM_W]
    for i, c in enumerate(counts):
        board = np.stack([np.full((CAM_H, CAM_W), v) for v in rng.normal([150, 120, 80], 10)], -1)
        board += rng.normal(0, 6, board.shape)
        for _ in range(c):
            cy, cx = rng.uniform(4, CAM_H - 4), rng.uniform(4, CAM_W - 4)
            ang = rng.uniform(0, np.pi)
            dy, dx = yy - cy, xx - cx
            u = dx * np.cos(ang) + dy * np.sin(ang)
            v = -dx * np.sin(ang) + dy * np.cos(ang)
            body = (u / 3.5) ** 2 + (v / 1.8) ** 2 < 1
            stripes = (np.floor(u) % 2 == 0) & body
            board[body] = [200, 160, 30]
            board[stripes] = [40, 30, 20]
        frames[i] = np.clip(board, 0, 255).astype(np.uint8)
    return frames, counts


def channel_stats(frames):
    x = frames.astype(np.float32) / 255.0
    return x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3)) + 1e-6


class EntranceCounts(Dataset):
    def __init__(self, frames, counts, mean, std, augment=False):
        self.frames, self.counts = frames, counts
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)
        self.augment = augment

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, i):
        img = torch.from_numpy(self.frames[i]).permute(2, 0, 1).float() / 255.0
        if self.augment and torch.rand(()) < 0.5:
            img = img.flip(-1)
        img = (img - self.mean[:, None, None]) / self.std[:, None, None]
        return img, torch.tensor(float(self.counts[i]))


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.MaxPool2d(2))


counter = nn.Sequential(
    conv_block(3, 16), conv_block(16, 32), conv_block(32, 64),
    nn.Conv2d(64, 1, 1),
)


def predict_rate(model, imgs):
    density = F.softplus(model(imgs))
    return density.sum(dim=(1, 2, 3))


frames, counts = render_entrance_frames(160)
mean, std = channel_stats(frames)
full = EntranceCounts(frames, counts, mean, std, augment=True)
train_ds, val_ds = random_split(full, [128, 32], generator=torch.Generator().manual_seed(0))
train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=32)

opt = torch.optim.Adam(counter.parameters(), lr=1e-3)
for epoch in range(4):
    counter.train()
    tot = 0.0
    for imgs, y in train_dl:
        rate = predict_rate(counter, imgs)
        loss = F.poisson_nll_loss(rate, y, log_input=False)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(y)
    counter.eval()
    with torch.no_grad():
        errs = [(predict_rate(counter, x) - y).abs() for x, y in val_dl]
    mae = torch.cat(errs).mean().item()
    print(f"epoch {epoch}: poisson nll {tot / len(train_ds):.3f}  val MAE {mae:.2f} bees")
