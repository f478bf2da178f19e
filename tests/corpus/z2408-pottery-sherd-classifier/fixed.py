"""Sherd photo classifier for the Tell el-Hamra ceramic assemblage.

Ware codes follow the site recording manual (section 4.2). Photos are 3x48x48
crops of the exterior surface, exported from the finds database.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 17
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# codes as printed on the finds bags / recording sheets
WARE_CODES = {
    1: "Coarse Ware",
    2: "Cooking Pot Ware",
    3: "Plain Simple Ware",
    4: "Painted Fine Ware",
    5: "Red Slip Ware",
    6: "Glazed Ware",
}
WARE_TO_IDX = {code: i for i, code in enumerate(sorted(WARE_CODES))}

IMG_SIZE = 48
BATCH_SIZE = 16
EPOCHS = 2


def make_finds_register(n_sherds=160):
    """Stand-in for the finds register export: one row per photographed sherd."""
    register = []
    for i in range(n_sherds):
        ware = int(np.random.choice(list(WARE_CODES.keys()),
                                    p=[0.3, 0.2, 0.2, 0.12, 0.1, 0.08]))
        register.append({
            "find_no": f"TH22-{1000 + i}",
            "context": int(np.random.randint(100, 140)),
            "ware_code": ware,
            "thickness_mm": float(np.random.normal(7.5, 1.8)),
        })
    return register


def fake_photo(ware_code):
    # tint depends loosely on ware so the net has something to learn
    base = torch.rand(3, IMG_SIZE, IMG_SIZE) * 0.5
    base[ware_code % 3] += 0.1 * ware_code
    return base.clamp(0, 1)


class SherdPhotoDataset(Dataset):
    def __init__(self, register, augment=False):
        self.register = register
        self.augment = augment
        self.mean = torch.tensor([0.45, 0.40, 0.36]).view(3, 1, 1)
        self.std = torch.tensor([0.22, 0.21, 0.20]).view(3, 1, 1)

    def __len__(self):
        return len(self.register)

    def __getitem__(self, idx):
        row = self.register[idx]
        img = fake_photo(row["ware_code"])
        if self.augment and random.random() < 0.5:
            img = torch.flip(img, dims=[2])
        img = (img - self.mean) / self.std
        label = WARE_TO_IDX[row["ware_code"]]
        return img, torch.tensor(label, dtype=torch.long)


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class SherdNet(nn.Module):
    def __init__(self, n_wares, width=16):
        super().__init__()
        self.features = nn.Sequential(
            ConvBlock(3, width),
            ConvBlock(width, width * 2),
            ConvBlock(width * 2, width * 4),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(width * 4, n_wares)

    def forward(self, x):
        h = self.pool(self.features(x)).flatten(1)
        return self.head(h)


def split_by_context(register, val_contexts=4):
    contexts = sorted({r["context"] for r in register})
    held_out = set(contexts[-val_contexts:])
    train = [r for r in register if r["context"] not in held_out]
    val = [r for r in register if r["context"] in held_out]
    return train, val


def run_epoch(model, loader, optimiser=None):
    training = optimiser is not None
    model.train(training)
    total, correct, loss_sum = 0, 0, 0.0
    for imgs, wares in loader:
        with torch.set_grad_enabled(training):
            logits = model(imgs)
            loss = F.cross_entropy(logits, wares)
        if training:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        loss_sum += loss.item() * imgs.size(0)
        correct += (logits.argmax(1) == wares).sum().item()
        total += imgs.size(0)
    return loss_sum / total, correct / total


def main():
    register = make_finds_register()
    train_rows, val_rows = split_by_context(register)
    print(f"{len(train_rows)} train sherds, {len(val_rows)} val sherds")

    train_dl = DataLoader(SherdPhotoDataset(train_rows, augment=True),
                          batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(SherdPhotoDataset(val_rows), batch_size=BATCH_SIZE)

    model = SherdNet(n_wares=len(WARE_CODES))
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(EPOCHS):
        tr_loss, tr_acc = run_epoch(model, train_dl, optimiser)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
