"""CenterNet-style pedestrian detector trained on synthetic street frames.

Each frame has a variable number of pedestrians; the head predicts a
per-pixel center heatmap (stride 8) plus width/height regression.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

IMG_SIZE = 128
STRIDE = 8
FEAT = IMG_SIZE // STRIDE
NUM_FRAMES = 24
BATCH = 4
EPOCHS = 1


def synth_frame(rng):
    img = torch.rand(3, IMG_SIZE, IMG_SIZE) * 0.2
    boxes = []
    for _ in range(rng.randint(1, 6)):
        w = rng.randint(10, 22)
        h = min(int(w * rng.uniform(2.0, 2.8)), IMG_SIZE - 4)
        x0 = rng.randint(0, IMG_SIZE - w - 1)
        y0 = rng.randint(0, IMG_SIZE - h - 1)
        img[:, y0:y0 + h, x0:x0 + w] += 0.6
        boxes.append([x0, y0, x0 + w, y0 + h])
    return img.clamp(0, 1), torch.tensor(boxes, dtype=torch.float32)


class StreetPedestrians(Dataset):
    def __init__(self, n, seed=0):
        rng = random.Random(seed)
        self.frames = [synth_frame(rng) for _ in range(n)]

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, idx):
        img, boxes = self.frames[idx]
        target = {"boxes": boxes, "labels": torch.ones(len(boxes), dtype=torch.long)}
        return img, target


def detection_collate(batch):
    frames, targets = zip(*batch)
    return torch.stack(frames), list(targets)


class TinyCenterNet(nn.Module):
    def __init__(self, width=32):
        super().__init__()
        layers, c_in = [], 3
        for c_out in (16, 24, width):
            layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        self.backbone = nn.Sequential(*layers)
        self.heat_head = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, 1, 1))
        self.size_head = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, 2, 1))
        nn.init.constant_(self.heat_head[-1].bias, -2.19)

    def forward(self, x):
        f = self.backbone(x)
        return self.heat_head(f), self.size_head(f)


def gaussian_radius(w, h):
    return max(1.0, 0.3 * math.sqrt(w * h) / STRIDE)


def render_targets(targets):
    heat = torch.zeros(len(targets), 1, FEAT, FEAT)
    wh = torch.zeros(len(targets), 2, FEAT, FEAT)
    wh_mask = torch.zeros(len(targets), 1, FEAT, FEAT)
    ys, xs = torch.meshgrid(torch.arange(FEAT).float(), torch.arange(FEAT).float(), indexing="ij")
    for b, tgt in enumerate(targets):
        for x0, y0, x1, y1 in tgt["boxes"].tolist():
            cx, cy = (x0 + x1) / 2 / STRIDE, (y0 + y1) / 2 / STRIDE
            sigma = gaussian_radius(x1 - x0, y1 - y0) / 3
            g = torch.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma ** 2))
            heat[b, 0] = torch.maximum(heat[b, 0], g)
            ix, iy = min(int(cx), FEAT - 1), min(int(cy), FEAT - 1)
            heat[b, 0, iy, ix] = 1.0
            wh[b, :, iy, ix] = torch.tensor([x1 - x0, y1 - y0]) / IMG_SIZE
            wh_mask[b, 0, iy, ix] = 1.0
    return heat, wh, wh_mask


def focal_heatmap_loss(logits, gt, alpha=2, beta=4):
    pred = logits.sigmoid().clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = 1 - pos
    pos_loss = torch.log(pred) * (1 - pred) ** alpha * pos
    neg_loss = torch.log(1 - pred) * pred ** alpha * (1 - gt) ** beta * neg
    n_pos = pos.sum().clamp(min=1)
    return -(pos_loss.sum() + neg_loss.sum()) / n_pos


def train():
    torch.manual_seed(0)
    dataset = StreetPedestrians(NUM_FRAMES)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, collate_fn=detection_collate)
    model = TinyCenterNet()
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3)

    for epoch in range(EPOCHS):
        running = 0.0
        for frames, targets in loader:
            heat_gt, wh_gt, wh_mask = render_targets(targets)
            heat_logits, wh_pred = model(frames)
            loss_heat = focal_heatmap_loss(heat_logits, heat_gt)
            loss_wh = (F.l1_loss(wh_pred, wh_gt, reduction="none") * wh_mask).sum() / wh_mask.sum().clamp(min=1)
            loss = loss_heat + 5.0 * loss_wh
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        img, tgt = dataset[0]
        heat_logits, _ = model(img[None])
        peaks = F.max_pool2d(heat_logits.sigmoid(), 3, stride=1, padding=1)
        n_det = ((peaks == heat_logits.sigmoid()) & (heat_logits.sigmoid() > 0.3)).sum().item()
        print(f"frame 0: {n_det} detections, {len(tgt['boxes'])} pedestrians annotated")


if __name__ == "__main__":
    train()
