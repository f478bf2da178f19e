import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
np.random.seed(7)

RAW_SIZE = 128
IMG_SIZE = 100
PATCH = 16
EMBED = 96
DEPTH = 2
HEADS = 4
BATCH = 12
STEPS = 30

PILL_CLASSES = [
    ("round", (0.95, 0.95, 0.95)),
    ("round", (0.90, 0.75, 0.20)),
    ("oval", (0.85, 0.30, 0.30)),
    ("oval", (0.30, 0.50, 0.85)),
    ("capsule", (0.95, 0.60, 0.10)),
    ("capsule", (0.40, 0.80, 0.45)),
]


def render_pill(shape, rgb):
    yy, xx = np.mgrid[0:RAW_SIZE, 0:RAW_SIZE].astype(np.float32) / RAW_SIZE - 0.5
    angle = np.random.uniform(0, math.pi)
    cx, cy = np.random.uniform(-0.08, 0.08, size=2)
    xr = (xx - cx) * math.cos(angle) + (yy - cy) * math.sin(angle)
    yr = -(xx - cx) * math.sin(angle) + (yy - cy) * math.cos(angle)
    if shape == "round":
        body = xr ** 2 + yr ** 2 < 0.3 ** 2
    elif shape == "oval":
        body = (xr / 0.38) ** 2 + (yr / 0.22) ** 2 < 1.0
    else:
        body = (np.abs(xr) < 0.28) & (np.abs(yr) < 0.15)
        body |= ((np.abs(xr) - 0.28) ** 2 + yr ** 2 < 0.15 ** 2)
    score_line = body & (np.abs(yr) < 0.01)
    img = np.zeros((3, RAW_SIZE, RAW_SIZE), dtype=np.float32) + 0.15
    for c in range(3):
        img[c][body] = rgb[c]
        img[c][score_line] = rgb[c] * 0.6
    img += np.random.normal(0, 0.03, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


def make_batch(n):
    labels = np.random.randint(0, len(PILL_CLASSES), size=n)
    imgs = np.stack([render_pill(*PILL_CLASSES[k]) for k in labels])
    x = torch.from_numpy(imgs)
    x = F.interpolate(x, size=(IMG_SIZE, IMG_SIZE), mode="bilinear", align_corners=False)
    x = (x - 0.5) / 0.25
    return x, torch.from_numpy(labels).long()


def patchify(images, patch):
    b, c, h, w = images.shape
    gh, gw = h // patch, w // patch
    x = images.view(b, c, gh, patch, gw, patch)
    x = x.permute(0, 2, 4, 1, 3, 5).contiguous()
    return x.view(b, gh * gw, c * patch * patch)


def build_model(n_classes):
    n_patches = (IMG_SIZE // PATCH) ** 2
    patch_dim = 3 * PATCH * PATCH
    layer = nn.TransformerEncoderLayer(EMBED, HEADS, EMBED * 2, dropout=0.0,
                                       batch_first=True, norm_first=True)
    return nn.ModuleDict({
        "proj": nn.Linear(patch_dim, EMBED),
        "pos": nn.Embedding(n_patches + 1, EMBED),
        "cls": nn.Embedding(1, EMBED),
        "encoder": nn.TransformerEncoder(layer, DEPTH, enable_nested_tensor=False),
        "norm": nn.LayerNorm(EMBED),
        "head": nn.Linear(EMBED, n_classes),
    })


def forward(model, images):
    tokens = model["proj"](patchify(images, PATCH))
    cls = model["cls"].weight.expand(tokens.size(0), 1, -1)
    tokens = torch.cat([cls, tokens], dim=1)
    tokens = tokens + model["pos"].weight[None, : tokens.size(1)]
    h = model["encoder"](tokens)
    return model["head"](model["norm"](h[:, 0]))


def main():
    model = build_model(len(PILL_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.05)
    for step in range(STEPS):
        x, y = make_batch(BATCH)
        logits = forward(model, x)
        loss = F.cross_entropy(logits, y, label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            acc = (logits.argmax(-1) == y).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.3f} acc {acc:.2f}")

    model.eval()
    with torch.no_grad():
        x, y = make_batch(48)
        acc = (forward(model, x).argmax(-1) == y).float().mean().item()
    print(f"held-out pill id accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
