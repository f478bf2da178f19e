"""Room-type tagging for listing photos (bedroom / bathroom / lobby / pool / restaurant)."""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

CONFIG = {
    "room_types": ["bedroom", "bathroom", "lobby", "pool", "restaurant"],
    "image_size": 48,           # thumbnails served by the listing CDN
    "channels": [16, 32, 64, 128, 256],
    "kernel_size": 3,
    "conv_padding": 0,
    "pool": 2,
    "dropout": 0.3,
    "batch_size": 16,
    "epochs": 2,
    "lr": 1e-3,
    "n_photos": 240,
    "seed": 11,
}


def synth_photos(cfg):
    """Fake thumbnails whose colour statistics depend on the room type."""
    rng = np.random.default_rng(cfg["seed"])
    n, s = cfg["n_photos"], cfg["image_size"]
    palette = np.array([
        [0.75, 0.65, 0.55],  # bedroom: warm beige
        [0.85, 0.88, 0.90],  # bathroom: white tiles
        [0.55, 0.45, 0.35],  # lobby: wood and marble
        [0.20, 0.55, 0.80],  # pool: blue
        [0.60, 0.35, 0.25],  # restaurant: dim red
    ], dtype=np.float32)
    labels = rng.integers(0, len(cfg["room_types"]), n)
    yy, xx = np.meshgrid(np.linspace(0, 1, s), np.linspace(0, 1, s), indexing="ij")
    imgs = np.empty((n, 3, s, s), dtype=np.float32)
    for i, y in enumerate(labels):
        base = palette[y][:, None, None]
        light = 0.15 * np.sin(2 * math.pi * (xx * rng.uniform(0.5, 2) + yy * rng.uniform(0.5, 2)))
        imgs[i] = np.clip(base + light + rng.normal(0, 0.08, (3, s, s)), 0, 1)
    mean = imgs.mean(axis=(0, 2, 3), keepdims=True)
    std = imgs.std(axis=(0, 2, 3), keepdims=True)
    return torch.from_numpy((imgs - mean) / std), torch.from_numpy(labels).long()


def conv_block(c_in, c_out, cfg):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, cfg["kernel_size"], padding=cfg["conv_padding"], bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(cfg["pool"]),
    )


def build_room_cnn(cfg):
    blocks, c_in = [], 3
    for c_out in cfg["channels"]:
        blocks.append(conv_block(c_in, c_out, cfg))
        c_in = c_out
    return nn.Sequential(
        *blocks,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(cfg["dropout"]),
        nn.Linear(c_in, len(cfg["room_types"])),
    )


def run_epoch(model, loader, criterion, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for imgs, labels in loader:
            logits = model(imgs)
            loss = criterion(logits, labels)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            seen += len(labels)
    return total_loss / seen, correct / seen


def main(cfg=CONFIG):
    torch.manual_seed(cfg["seed"])
    images, labels = synth_photos(cfg)
    full = TensorDataset(images, labels)
    n_val = len(full) // 5
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg["seed"]))
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = build_room_cnn(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"room CNN with {n_params:,} parameters, input {cfg['image_size']}px")
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])

    for epoch in range(cfg["epochs"]):
        tr_loss, tr_acc = run_epoch(model, train_dl, criterion, optimizer)
        va_loss, va_acc = run_epoch(model, val_dl, criterion)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
