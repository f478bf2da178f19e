import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
FRAME_CACHE = os.path.join(HERE, "frame_cache.npz")
SHOT_TYPES = ["close_up", "medium", "wide", "establishing"]
FRAME_H, FRAME_W = 54, 96
SEED = 3
BATCH = 32
EPOCHS = 3
LR = 1e-3


def render_frame(rng, shot):
    """Very rough stand-in for a decoded still: a subject blob whose size
    depends on the shot type, on a graded background."""
    yy, xx = np.mgrid[0:FRAME_H, 0:FRAME_W]
    sky = rng.uniform(0.3, 0.8)
    img = np.stack([
        np.full((FRAME_H, FRAME_W), sky * 0.6),
        np.full((FRAME_H, FRAME_W), sky * 0.7),
        np.full((FRAME_H, FRAME_W), sky),
    ])
    if shot == "establishing":
        horizon = rng.integers(FRAME_H // 3, 2 * FRAME_H // 3)
        img[:, horizon:, :] *= 0.4
        radius = 0
    else:
        radius = {"close_up": 22, "medium": 13, "wide": 6}[shot] * rng.uniform(0.85, 1.15)
    if radius:
        cy = FRAME_H // 2 + rng.integers(-4, 5)
        cx = FRAME_W // 2 + rng.integers(-15, 16)
        blob = ((yy - cy) ** 2 + ((xx - cx) * 0.8) ** 2) < radius ** 2
        skin = np.array([0.85, 0.65, 0.5])[:, None]
        img[:, blob] = skin
    img += rng.normal(0, 0.05, size=img.shape)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def build_frame_cache(path, n_per_class=40, seed=SEED):
    rng = np.random.default_rng(seed)
    frames, labels = [], []
    for label, shot in enumerate(SHOT_TYPES):
        for _ in range(n_per_class):
            frames.append(render_frame(rng, shot))
            labels.append(label)
    np.savez_compressed(path, frames=np.stack(frames), labels=np.array(labels))


def load_frame_cache(path):
    data = np.load(path)
    return data["frames"], data["labels"]


def channel_stats(frames):
    x = frames.astype(np.float32) / 255.0
    mean = x.mean(axis=(0, 1, 2))
    std = x.std(axis=(0, 1, 2)) + 1e-6
    return torch.tensor(mean), torch.tensor(std)


def normalise(batch_u8, mean, std):
    x = batch_u8.float() / 255.0
    return (x - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)


def make_shot_classifier(n_classes):
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(64, n_classes),
    )


def iterate(frames, labels, batch_size, shuffle, gen=None):
    idx = torch.randperm(len(frames), generator=gen) if shuffle else torch.arange(len(frames))
    for i in range(0, len(idx), batch_size):
        j = idx[i:i + batch_size]
        yield frames[j], labels[j]


def run_epoch(model, opt, frames, labels, mean, std, gen):
    model.train()
    total = 0.0
    for xb, yb in iterate(frames, labels, BATCH, shuffle=True, gen=gen):
        logits = model(normalise(xb, mean, std))
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(yb)
    return total / len(labels)


@torch.no_grad()
def accuracy(model, frames, labels, mean, std):
    model.eval()
    correct = 0
    for xb, yb in iterate(frames, labels, 128, shuffle=False):
        correct += (model(normalise(xb, mean, std)).argmax(1) == yb).sum().item()
    return correct / len(labels)


if __name__ == "__main__":
    torch.manual_seed(SEED)
    if not os.path.exists(FRAME_CACHE):
        build_frame_cache(FRAME_CACHE)
    frames, labels = load_frame_cache(FRAME_CACHE)
    tr_f, va_f, tr_y, va_y = train_test_split(frames, labels, test_size=0.2,
                                              stratify=labels, random_state=SEED)
    mean, std = channel_stats(tr_f)
    print(f"train frames {tr_f.shape}, val frames {va_f.shape}")

    tr_f, va_f = torch.from_numpy(tr_f), torch.from_numpy(va_f)
    tr_y, va_y = torch.from_numpy(tr_y).long(), torch.from_numpy(va_y).long()

    model = make_shot_classifier(len(SHOT_TYPES))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        loss = run_epoch(model, opt, tr_f, tr_y, mean, std, gen)
        acc = accuracy(model, va_f, va_y, mean, std)
        print(f"epoch {epoch}: loss {loss:.3f}  val acc {acc:.3f}")
