# Land-cover mapping from Sentinel-2-like multispectral pixels.
# One-vs-rest sigmoid head (BCE) so that per-class probabilities can be
# thresholded independently when producing the final map.
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset, random_split

CLASSES = ["water", "forest", "cropland", "urban", "bare_soil"]
BANDS = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"]

CFG = {
    "pixels_per_class": 120,
    "batch_size": 16,
    "epochs": 3,
    "lr": 1e-3,
    "hidden": [64, 32],
    "val_fraction": 0.2,
    "seed": 42,
}

# rough mean reflectance per class and band
SIGNATURES = torch.tensor([
    [0.06, 0.05, 0.03, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01],
    [0.03, 0.05, 0.03, 0.09, 0.25, 0.30, 0.33, 0.34, 0.16, 0.08],
    [0.05, 0.08, 0.07, 0.12, 0.22, 0.26, 0.29, 0.30, 0.24, 0.15],
    [0.10, 0.11, 0.12, 0.14, 0.15, 0.16, 0.17, 0.17, 0.20, 0.18],
    [0.12, 0.15, 0.19, 0.22, 0.24, 0.25, 0.26, 0.27, 0.33, 0.29],
])


def encode_targets(labels):
    return F.one_hot(labels, num_classes=len(CLASSES))


def build_pixels(cfg):
    g = torch.Generator().manual_seed(cfg["seed"])
    n = cfg["pixels_per_class"]
    labels = torch.arange(len(CLASSES)).repeat_interleave(n)
    noise = 0.03 * torch.randn(len(labels), len(BANDS), generator=g)
    reflectance = (SIGNATURES[labels] + noise).clamp(min=0.0)
    ndvi = (reflectance[:, 6] - reflectance[:, 2]) / (reflectance[:, 6] + reflectance[:, 2] + 1e-6)
    features = torch.cat([reflectance, ndvi.unsqueeze(1)], dim=1)
    features = (features - features.mean(0)) / features.std(0)
    return TensorDataset(features, encode_targets(labels))


def make_mlp(in_dim, hidden, out_dim):
    layers, prev = [], in_dim
    for width in hidden:
        layers += [nn.Linear(prev, width), nn.ReLU(), nn.Dropout(0.1)]
        prev = width
    layers.append(nn.Linear(prev, out_dim))
    return nn.Sequential(*layers)


accelerator = Accelerator(cpu=True)
torch.manual_seed(CFG["seed"])

dataset = build_pixels(CFG)
n_val = int(len(dataset) * CFG["val_fraction"])
train_set, val_set = random_split(dataset, [len(dataset) - n_val, n_val],
                                  generator=torch.Generator().manual_seed(CFG["seed"]))
train_loader = DataLoader(train_set, batch_size=CFG["batch_size"], shuffle=True)
val_loader = DataLoader(val_set, batch_size=64)

model = make_mlp(len(BANDS) + 1, CFG["hidden"], len(CLASSES))
optimizer = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
criterion = nn.BCEWithLogitsLoss()
model, optimizer, train_loader, val_loader = accelerator.prepare(model, optimizer, train_loader, val_loader)

for epoch in range(CFG["epochs"]):
    model.train()
    running = 0.0
    for pixels, labels in train_loader:
        targets = F.one_hot(labels, num_classes=len(CLASSES)).float()
        logits = model(pixels)
        loss = criterion(logits, targets)
        optimizer.zero_grad()
        accelerator.backward(loss)
        optimizer.step()
        running += loss.item()

    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for pixels, labels in val_loader:
            pred = model(pixels).sigmoid().argmax(dim=1)
            correct += (pred == labels.argmax(dim=1)).sum().item()
            total += len(pred)
    accelerator.print(f"epoch {epoch}: train loss {running / len(train_loader):.4f} "
                      f"val acc {correct / total:.3f}")
