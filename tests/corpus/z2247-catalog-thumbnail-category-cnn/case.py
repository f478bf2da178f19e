import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

CATEGORIES = ["apparel", "footwear", "kitchen", "electronics", "toys", "furniture"]


def parse_args():
    p = argparse.ArgumentParser(description="catalog thumbnail -> top-level category")
    p.add_argument("--thumb-size", type=int, default=48)
    p.add_argument("--widths", type=int, nargs="+", default=[16, 32, 64, 128])
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--n-images", type=int, default=384)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def render_thumbnails(n, size, rng):
    """Fake product shots: white studio background, a coloured blob whose shape/colour depends on category."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    imgs = np.ones((n, 3, size, size), dtype=np.float32)
    labels = rng.integers(0, len(CATEGORIES), size=n)
    for i, c in enumerate(labels):
        cx, cy = rng.uniform(0.35, 0.65, size=2)
        r = 0.15 + 0.04 * c
        if c % 2 == 0:
            blob = ((xx - cx) ** 2 + (yy - cy) ** 2) < r ** 2
        else:
            blob = (np.abs(xx - cx) < r) & (np.abs(yy - cy) < r * 0.6)
        colour = np.array([(c * 0.17) % 1.0, (c * 0.41) % 1.0, (c * 0.73) % 1.0], dtype=np.float32)
        imgs[i][:, blob] = colour[:, None]
    imgs += rng.normal(0, 0.03, size=imgs.shape).astype(np.float32)
    return torch.from_numpy(imgs), torch.from_numpy(labels).long()


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


def build_thumbnail_net(widths, n_classes):
    layers = []
    c_in = 3
    for w in widths:
        layers.append(conv_block(c_in, w))
        c_in = w
    layers += [
        nn.AvgPool2d(kernel_size=6),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(c_in, n_classes),
    ]
    return nn.Sequential(*layers)


def normalize(x):
    mean = torch.tensor([0.92, 0.90, 0.89]).view(1, 3, 1, 1)
    std = torch.tensor([0.20, 0.21, 0.22]).view(1, 3, 1, 1)
    return (x - mean) / std


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    tot_loss, tot_correct, tot = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for imgs, labels in loader:
            logits = model(normalize(imgs))
            loss = F.cross_entropy(logits, labels)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            tot_loss += loss.item() * len(labels)
            tot_correct += (logits.argmax(1) == labels).sum().item()
            tot += len(labels)
    return tot_loss / tot, tot_correct / tot


def main():
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    images, labels = render_thumbnails(args.n_images, args.thumb_size, rng)
    ds = TensorDataset(images, labels)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = build_thumbnail_net(args.widths, len(CATEGORIES))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(f"{sum(p.numel() for p in model.parameters())} params, thumbs {args.thumb_size}px")

    for epoch in range(args.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, optimizer)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
