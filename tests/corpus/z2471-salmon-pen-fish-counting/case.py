"""Count salmon passing the underwater camera in a sea-pen.

Frames are annotated with fish centre points by the farm's QC team; a small
fully-convolutional net regresses a density map whose sum is the fish count.
Frames the annotators marked as occluded (net fouling, feed pellets, turbid
water) have no reliable points.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


class Settings:
    img_size = 64
    n_frames = 160
    occluded_rate = 0.12
    sigma = 2.0
    batch_size = 8
    lr = 1e-3
    epochs = 2
    seed = 21


def render_frame(rng, size, n_fish):
    img = rng.normal(0.25, 0.05, (3, size, size)).astype(np.float32)
    yy, xx = np.mgrid[0:size, 0:size]
    points = []
    for _ in range(n_fish):
        cy, cx = rng.uniform(4, size - 4, 2)
        body = np.exp(-(((yy - cy) / 2.0) ** 2 + ((xx - cx) / 5.0) ** 2))
        img += body[None] * np.array([0.5, 0.55, 0.6], dtype=np.float32)[:, None, None]
        points.append((cy, cx))
    return np.clip(img, 0, 1), points


def make_annotations(cfg):
    rng = np.random.default_rng(cfg.seed)
    ann = []
    for fid in range(cfg.n_frames):
        n_fish = int(rng.poisson(6))
        img, pts = render_frame(rng, cfg.img_size, n_fish)
        qc = "occluded" if rng.random() < cfg.occluded_rate else "ok"
        ann.append({"frame_id": f"pen07_cam2_{fid:05d}", "image": img,
                    "points": pts if qc == "ok" else None, "qc": qc})
    return ann


def density_from_points(points, size, sigma):
    yy, xx = np.mgrid[0:size, 0:size]
    dmap = np.zeros((size, size), dtype=np.float32)
    for cy, cx in points:
        g = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sigma ** 2))
        dmap += g / g.sum()
    return dmap


class PenCameraFrames(Dataset):
    def __init__(self, annotations, cfg, augment=False):
        self.ann = annotations
        self.cfg = cfg
        self.augment = augment

    def __len__(self):
        return len(self.ann)

    def __getitem__(self, idx):
        a = self.ann[idx]
        if a["qc"] == "occluded":
            return None
        img = a["image"]
        dmap = density_from_points(a["points"], self.cfg.img_size, self.cfg.sigma)
        if self.augment and random.random() < 0.5:
            img, dmap = img[:, :, ::-1].copy(), dmap[:, ::-1].copy()
        return {"image": torch.from_numpy(img), "density": torch.from_numpy(dmap)[None],
                "count": float(len(a["points"])), "frame_id": a["frame_id"]}


def collate_frames(batch):
    return {
        "image": torch.stack([s["image"] for s in batch]),
        "density": torch.stack([s["density"] for s in batch]),
        "count": torch.tensor([s["count"] for s in batch]),
        "frame_id": [s["frame_id"] for s in batch],
    }


class DensityCounter(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        )
        self.dec = nn.Conv2d(32, 1, 1)

    def forward(self, x):
        d = F.relu(self.dec(self.enc(x)))
        return F.interpolate(d, scale_factor=2, mode="bilinear", align_corners=False) / 4.0


class CountTrainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    def step(self, batch):
        pred = self.model(batch["image"])
        loss = F.mse_loss(pred, batch["density"]) * 1000.0
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        mae = (pred.sum(dim=(1, 2, 3)) - batch["count"]).abs().mean()
        return loss.item(), mae.item()

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            losses, maes = [], []
            for batch in loader:
                loss, mae = self.step(batch)
                losses.append(loss)
                maes.append(mae)
            print(f"epoch {epoch}: loss {np.mean(losses):.4f}  count MAE {np.mean(maes):.2f} fish/frame")


def main():
    cfg = Settings()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    ann = make_annotations(cfg)
    ds = PenCameraFrames(ann, cfg, augment=True)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_frames)
    trainer = CountTrainer(DensityCounter(), cfg)
    trainer.fit(loader)


if __name__ == "__main__":
    main()
