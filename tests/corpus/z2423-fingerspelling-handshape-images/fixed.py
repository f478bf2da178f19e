"""Static fingerspelling hand-shape classifier (24 ASL letters, J and Z excluded).

Crops are 32x32 RGB hand images saved as .npy by a (simulated) hand detector;
a small CNN is trained on them.
"""
import os
import string

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
CROP_DIR = os.path.join(HERE, "hand_crops")
LETTERS = [c for c in string.ascii_uppercase if c not in "JZ"]
IMG_SIZE = 32
# ImageNet statistics, as used by the detector's preprocessing
MEAN = np.array([0.485, 0.456, 0.406])
STD = np.array([0.229, 0.224, 0.225])


def write_fake_crops(n_per_letter=6, seed=11):
    rng = np.random.default_rng(seed)
    os.makedirs(CROP_DIR, exist_ok=True)
    index = []
    yy, xx = np.mgrid[:IMG_SIZE, :IMG_SIZE]
    for li, letter in enumerate(LETTERS):
        for k in range(n_per_letter):
            cx, cy = 10 + (li % 6) * 2 + rng.integers(-2, 3), 10 + (li // 6) * 3 + rng.integers(-2, 3)
            blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (4 + li % 3) ** 2))
            img = np.stack([blob * 200, blob * 150, blob * 120], axis=-1)
            img = np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8)
            fname = f"{letter}_{k:03d}.npy"
            np.save(os.path.join(CROP_DIR, fname), img)
            index.append((fname, letter))
    return index


class HandShapeDataset(Dataset):
    def __init__(self, index, crop_dir, letters, augment=False):
        self.index = index
        self.crop_dir = crop_dir
        self.letter_to_id = {c: i for i, c in enumerate(letters)}
        self.augment = augment

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        fname, letter = self.index[i]
        img = np.load(os.path.join(self.crop_dir, fname))
        if self.augment and np.random.rand() < 0.5:
            img = img[:, ::-1]
        img = ((img / 255.0 - MEAN) / STD).astype(np.float32)
        return img, self.letter_to_id[letter]


def collate_crops(batch):
    imgs = np.stack([np.ascontiguousarray(b[0]) for b in batch])
    labels = torch.tensor([b[1] for b in batch], dtype=torch.long)
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous(), labels


def make_cnn(n_classes):
    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout),
                             nn.ReLU(inplace=True), nn.MaxPool2d(2))
    return nn.Sequential(
        block(3, 16), block(16, 32), block(32, 64),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(64, n_classes),
    )


def run_epoch(model, loader, loss_fn, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, n = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for imgs, labels in loader:
            logits = model(imgs)
            loss = loss_fn(logits, labels)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            tot_loss += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            n += len(labels)
    return tot_loss / n, correct / n


def main():
    torch.manual_seed(0)
    np.random.seed(0)
    index = write_fake_crops()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(index))
    n_val = len(index) // 5
    val_idx = [index[i] for i in order[:n_val]]
    train_idx = [index[i] for i in order[n_val:]]

    train_dl = DataLoader(HandShapeDataset(train_idx, CROP_DIR, LETTERS, augment=True),
                          batch_size=16, shuffle=True, collate_fn=collate_crops)
    val_dl = DataLoader(HandShapeDataset(val_idx, CROP_DIR, LETTERS),
                        batch_size=32, collate_fn=collate_crops)

    model = make_cnn(len(LETTERS))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(3):
        tr_loss, tr_acc = run_epoch(model, train_dl, loss_fn, opt)
        va_loss, va_acc = run_epoch(model, val_dl, loss_fn)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
