import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

CFG = {
    "seed": 3,
    "img_size": 48,            # lateral thoracic films, downsampled for quick triage
    "stages": [16, 32, 64, 128, 256],
    "kernel": 3,
    "classes": ["normal", "cardiomegaly", "pleural_effusion"],
    "n_films": 150,
    "batch_size": 16,
    "lr": 1e-3,
    "epochs": 3,
}

torch.manual_seed(CFG["seed"])
rng = np.random.default_rng(CFG["seed"])


def synth_lateral_thorax(label, size):
    yy, xx = np.mgrid[0:size, 0:size] / size
    film = 0.15 + 0.05 * rng.standard_normal((size, size))
    # rib shadows
    film += 0.08 * (np.sin(xx * 40 + yy * 6) > 0.6)
    heart_r = 0.18 if label != 1 else 0.28
    cy, cx = 0.58 + rng.normal(0, 0.02), 0.45 + rng.normal(0, 0.02)
    heart = ((yy - cy) ** 2 / 1.3 + (xx - cx) ** 2) < heart_r ** 2
    film[heart] += 0.55
    if label == 2:
        fluid_line = 0.7 + rng.normal(0, 0.04)
        film[yy > fluid_line] += 0.35
    return np.clip(film, 0, 1).astype(np.float32)


def build_dataset(cfg):
    labels = rng.integers(0, len(cfg["classes"]), size=cfg["n_films"])
    films = np.stack([synth_lateral_thorax(l, cfg["img_size"]) for l in labels])
    x = torch.from_numpy(films).unsqueeze(1)
    x = (x - x.mean()) / x.std()
    return TensorDataset(x, torch.from_numpy(labels).long())


def conv_block(c_in, c_out, k):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=k),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


def build_backbone(cfg):
    layers, c_in = [], 1
    for c_out in cfg["stages"]:
        layers.append(conv_block(c_in, c_out, cfg["kernel"]))
        c_in = c_out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def build_model(cfg):
    return nn.Sequential(
        build_backbone(cfg),
        nn.Dropout(0.2),
        nn.Linear(cfg["stages"][-1], len(cfg["classes"])),
    )


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, n = 0.0, 0, 0
    with torch.set_grad_enabled(training):
        for films, labels in loader:
            logits = model(films)
            loss = F.cross_entropy(logits, labels)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            tot_loss += loss.item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            n += len(labels)
    return tot_loss / n, correct / n


ds = build_dataset(CFG)
n_val = len(ds) // 5
train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"])

model = build_model(CFG)
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
print(f"{sum(p.numel() for p in model.parameters()):,} params, films {CFG['img_size']}px")

for epoch in range(CFG["epochs"]):
    tr_loss, tr_acc = run_epoch(model, train_dl, opt)
    va_loss, va_acc = run_epoch(model, val_dl)
    print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")
