import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

SEED = 2549
IMG_SIZE = 48
BATCH_SIZE = 24
EPOCHS = 2
LR = 1e-3
HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "radiograph_manifest.csv")

# species codes as exported from the practice-management system
PMS_SPECIES = {1: "canine", 2: "feline", 3: "equine", 4: "lagomorph", 5: "avian"}
NUM_SPECIES = len(PMS_SPECIES)


def write_fake_manifest(path, n_studies=240, rng=None):
    views = ["VD", "DV", "R-LAT", "L-LAT"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["study_id", "accession", "view", "species_code", "kvp", "mas"])
        for i in range(n_studies):
            code = int(rng.integers(1, NUM_SPECIES + 1))
            w.writerow([f"ST{i:05d}", f"ACC-{rng.integers(1e6):06d}", rng.choice(views),
                        code, int(rng.integers(50, 90)), round(float(rng.uniform(2, 12)), 1)])


def render_radiograph(species_code, rng):
    yy, xx = np.mgrid[0:IMG_SIZE, 0:IMG_SIZE] / IMG_SIZE
    body_w = {1: 0.35, 2: 0.25, 3: 0.45, 4: 0.2, 5: 0.15}[species_code]
    thorax = np.exp(-(((xx - 0.5) / body_w) ** 2 + ((yy - 0.5) / (body_w * 1.4)) ** 2))
    ribs = 0.15 * (np.sin(yy * np.pi * (6 + 2 * species_code)) > 0.6) * thorax
    img = thorax + ribs + 0.08 * rng.standard_normal((IMG_SIZE, IMG_SIZE))
    return img.astype(np.float32)


def load_manifest(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    species = [int(r["species_code"]) - 1 for r in rows]
    exposure = [(float(r["kvp"]), float(r["mas"])) for r in rows]
    return rows, species, exposure


def build_tensors(rows, species, rng):
    imgs = np.stack([render_radiograph(int(r["species_code"]), rng) for r in rows])
    imgs = (imgs - imgs.mean()) / imgs.std()
    x = torch.from_numpy(imgs).unsqueeze(1)
    y = torch.tensor(species, dtype=torch.long)
    return x, y


def make_model(num_classes):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Dropout(0.2), nn.Linear(64, num_classes),
    )


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    losses, correct, seen = [], 0, 0
    for xb, yb in loader:
        with torch.set_grad_enabled(training):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=0.05)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        losses.append(loss.item())
        correct += (logits.argmax(1) == yb).sum().item()
        seen += yb.numel()
    return float(np.mean(losses)), correct / seen


rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
write_fake_manifest(MANIFEST, rng=rng)
rows, species, exposure = load_manifest(MANIFEST)
x, y = build_tensors(rows, species, rng)

perm = torch.randperm(len(y))
n_val = len(y) // 5
val_idx, train_idx = perm[:n_val], perm[n_val:]
train_loader = DataLoader(TensorDataset(x[train_idx], y[train_idx]), batch_size=BATCH_SIZE, shuffle=True)
val_loader = DataLoader(TensorDataset(x[val_idx], y[val_idx]), batch_size=BATCH_SIZE)

model = make_model(NUM_SPECIES)
opt = torch.optim.Adam(model.parameters(), lr=LR)
print(f"{len(train_idx)} train / {len(val_idx)} val studies, {NUM_SPECIES} species")

for epoch in range(EPOCHS):
    tr_loss, tr_acc = run_epoch(model, train_loader, opt)
    va_loss, va_acc = run_epoch(model, val_loader)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")
