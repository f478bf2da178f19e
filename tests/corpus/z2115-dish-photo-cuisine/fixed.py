"""Guess a dish's cuisine from a small photo thumbnail.

Thumbnails are cached as HWC uint8 arrays (the layout PIL / OpenCV give us); the
loader converts them to NCHW float tensors, normalises per channel and feeds a
two-block CNN followed by an MLP classifier.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(11)
torch.manual_seed(11)

CUISINES = ["mexican", "japanese", "indian", "italian", "nordic"]
THUMB = 24
# dominant plate colours (RGB) per cuisine, used to fake photos
PALETTE = {
    "mexican": [(200, 40, 30), (60, 150, 50), (230, 200, 80)],
    "japanese": [(240, 240, 235), (230, 120, 110), (30, 30, 30)],
    "indian": [(230, 140, 30), (240, 200, 60), (120, 60, 20)],
    "italian": [(190, 30, 30), (245, 240, 220), (80, 130, 60)],
    "nordic": [(200, 210, 220), (150, 90, 70), (90, 110, 140)],
}
CHANNEL_MEAN = torch.tensor([0.55, 0.45, 0.38]).view(1, 3, 1, 1)
CHANNEL_STD = torch.tensor([0.25, 0.25, 0.26]).view(1, 3, 1, 1)


def fake_photo(cuisine):
    img = np.zeros((THUMB, THUMB, 3), dtype=np.float32)
    for colour in PALETTE[cuisine]:
        cy, cx = rng.integers(4, THUMB - 4, size=2)
        r = rng.integers(3, 8)
        yy, xx = np.ogrid[:THUMB, :THUMB]
        blob = ((yy - cy) ** 2 + (xx - cx) ** 2) <= r * r
        img[blob] = colour
    img += rng.normal(0, 12, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def build_cache(folder, per_class):
    photos, labels = [], []
    for ci, name in enumerate(CUISINES):
        for _ in range(per_class):
            photos.append(fake_photo(name))
            labels.append(ci)
    np.save(os.path.join(folder, "thumbs.npy"), np.stack(photos))
    np.save(os.path.join(folder, "labels.npy"), np.array(labels))


def load_split(folder):
    thumbs = torch.from_numpy(np.load(os.path.join(folder, "thumbs.npy")))
    labels = torch.from_numpy(np.load(os.path.join(folder, "labels.npy"))).long()
    pixels = thumbs.permute(0, 3, 1, 2).float() / 255.0
    pixels = (pixels - CHANNEL_MEAN) / CHANNEL_STD
    return pixels, labels


class CuisineNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(12, 24, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        flat = 24 * (THUMB // 4) * (THUMB // 4)
        self.classifier = nn.Sequential(nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, n_classes))

    def forward(self, pixels):
        fmap = self.features(pixels)
        return self.classifier(fmap.reshape(fmap.size(0), -1))


def main():
    cache = tempfile.mkdtemp(prefix="dish_thumbs_")
    build_cache(cache, per_class=40)
    pixels, labels = load_split(cache)

    perm = torch.randperm(len(labels))
    cut = int(0.8 * len(perm))
    tr_idx, te_idx = perm[:cut], perm[cut:]

    net = CuisineNet(len(CUISINES))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)

    for epoch in range(5):
        net.train()
        order = tr_idx[torch.randperm(len(tr_idx))]
        seen, loss_sum = 0, 0.0
        for start in range(0, len(order), 20):
            idx = order[start:start + 20]
            logits = net(pixels[idx])
            loss = F.cross_entropy(logits, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
        net.eval()
        with torch.no_grad():
            acc = (net(pixels[te_idx]).argmax(1) == labels[te_idx]).float().mean().item()
        print(f"epoch {epoch}: train loss {loss_sum / seen:.3f}  test acc {acc:.2f}")

    confusion = torch.zeros(len(CUISINES), len(CUISINES), dtype=torch.long)
    with torch.no_grad():
        pred = net(pixels[te_idx]).argmax(1)
    for t, p in zip(labels[te_idx].tolist(), pred.tolist()):
        confusion[t, p] += 1
    print("confusion (rows = true):")
    for name, row in zip(CUISINES, confusion.tolist()):
        print(f"  {name:<9} {row}")


if __name__ == "__main__":
    main()
