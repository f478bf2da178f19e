"""Hot-rolled steel strip: per-pixel defect segmentation on grayscale tiles.
Annotations come as rectangles/streaks per defect type; the outline of every
annotation is marked 'uncertain' (255) and excluded from the loss."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(11)
torch.manual_seed(11)

TILE = 64
UNCERTAIN = 255
DEFECT_TYPES = ["crazing", "inclusion", "patches", "pitted_surface", "scratches"]
CLASS_TO_ID = {name: i + 1 for i, name in enumerate(DEFECT_TYPES)}   # 0 = clean steel


def synth_tile():
    img = 0.45 + 0.08 * rng.standard_normal((TILE, TILE)).astype(np.float32)
    mask = np.zeros((TILE, TILE), dtype=np.int64)
    for _ in range(rng.integers(1, 4)):
        name = DEFECT_TYPES[rng.integers(len(DEFECT_TYPES))]
        cid = CLASS_TO_ID[name]
        h, w = rng.integers(6, 20, size=2)
        if name == "scratches":
            h, w = 2, rng.integers(20, 50)
        y0, x0 = rng.integers(0, TILE - h), rng.integers(0, TILE - w)
        tone = 0.1 + 0.15 * cid
        img[y0:y0 + h, x0:x0 + w] = tone + 0.03 * rng.standard_normal((h, w))
        mask[y0:y0 + h, x0:x0 + w] = cid
        if h > 4 and w > 4:
            mask[y0, x0:x0 + w] = UNCERTAIN
            mask[y0 + h - 1, x0:x0 + w] = UNCERTAIN
    return img, mask


def make_split(n):
    pairs = [synth_tile() for _ in range(n)]
    imgs = torch.from_numpy(np.stack([p[0] for p in pairs]))[:, None]
    masks = torch.from_numpy(np.stack([p[1] for p in pairs]))
    return imgs.clamp(0, 1), masks


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(2, cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(2, cout), nn.ReLU(inplace=True))


class StripSegNet(nn.Module):
    def __init__(self, n_classes, width=8):
        super().__init__()
        self.enc1 = conv_block(1, width)
        self.enc2 = conv_block(width, width * 2)
        self.mid = conv_block(width * 2, width * 4)
        self.up2 = nn.ConvTranspose2d(width * 4, width * 2, 2, stride=2)
        self.dec2 = conv_block(width * 4, width * 2)
        self.up1 = nn.ConvTranspose2d(width * 2, width, 2, stride=2)
        self.dec1 = conv_block(width * 2, width)
        self.head = nn.Conv2d(width, n_classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        m = self.mid(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def augment(imgs, masks):
    if torch.rand(1).item() < 0.5:
        imgs, masks = imgs.flip(-1), masks.flip(-1)
    if torch.rand(1).item() < 0.5:
        imgs, masks = imgs.flip(-2), masks.flip(-2)
    gain = 0.9 + 0.2 * torch.rand(imgs.shape[0], 1, 1, 1)
    return (imgs * gain).clamp(0, 1), masks


def per_class_iou(pred, target, n_classes):
    valid = target != UNCERTAIN
    ious = []
    for c in range(n_classes):
        p, t = (pred == c) & valid, (target == c) & valid
        union = (p | t).sum().item()
        ious.append((p & t).sum().item() / union if union else float("nan"))
    return ious


def main():
    train_imgs, train_masks = make_split(16)
    val_imgs, val_masks = make_split(8)
    n_classes = len(CLASS_TO_ID) + 1
    model = StripSegNet(n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    bs = 16

    for epoch in range(1):
        model.train()
        order = torch.randperm(train_imgs.shape[0])
        total = 0.0
        for i in range(0, len(order), bs):
            sel = order[i:i + bs]
            x, y = augment(train_imgs[sel], train_masks[sel])
            logits = model(x)
            loss = F.cross_entropy(logits, y, ignore_index=UNCERTAIN)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(sel)

        model.eval()
        with torch.no_grad():
            val_logits = model(val_imgs)
            val_loss = F.cross_entropy(val_logits, val_masks, ignore_index=UNCERTAIN).item()
            ious = per_class_iou(val_logits.argmax(1), val_masks, n_classes)
        names = ["clean"] + DEFECT_TYPES
        iou_txt = " ".join(f"{names[c]}={v:.2f}" for c, v in enumerate(ious))
        print(f"epoch {epoch} train {total / len(order):.4f} val {val_loss:.4f} | {iou_txt}")


if __name__ == "__main__":
    main()
