import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(3)
rng = np.random.default_rng(3)

FS_HZ = 10
WIN_S = 10
HOP_S = 5
WIN = FS_HZ * WIN_S
HOP = FS_HZ * HOP_S

# ethogram codes used by the annotation team (shared across farms)
ETHOGRAM = {
    "grazing": 0,
    "ruminating": 1,
    "resting": 2,
    "walking": 3,
    "drinking": 4,
    "grooming": 5,
}

# behaviour mix at this farm (from last season's video scoring)
SESSION_MIX = {"grazing": 0.40, "ruminating": 0.25, "resting": 0.20, "walking": 0.10, "grooming": 0.05}


def synth_bout(behaviour, n):
    t = np.arange(n) / FS_HZ
    if behaviour == "grazing":
        x = 0.6 * np.sin(2 * np.pi * 1.1 * t); y = 0.2 * np.sin(2 * np.pi * 0.5 * t); z = -0.8 + 0.3 * np.sin(2 * np.pi * 1.1 * t)
    elif behaviour == "ruminating":
        x = 0.15 * np.sin(2 * np.pi * 1.3 * t); y = 0.05 * np.ones(n); z = -0.2 + 0.1 * np.sin(2 * np.pi * 1.3 * t)
    elif behaviour == "resting":
        x = 0.02 * np.ones(n); y = 0.02 * np.ones(n); z = 0.1 * np.ones(n)
    elif behaviour == "walking":
        x = 0.4 * np.sin(2 * np.pi * 0.9 * t); y = 0.5 * np.sin(2 * np.pi * 1.8 * t); z = 0.2 * np.sin(2 * np.pi * 0.9 * t)
    else:
        x = 0.3 * np.sign(np.sin(2 * np.pi * 0.4 * t)); y = 0.3 * np.cos(2 * np.pi * 0.7 * t); z = 0.3 * np.ones(n)
    sig = np.stack([x, y, z], axis=0) + rng.normal(0, 0.08, size=(3, n))
    return sig.astype(np.float32)


def make_collar_session(cow_tag, n_bouts=40):
    names = list(SESSION_MIX)
    probs = np.array([SESSION_MIX[b] for b in names])
    signal, labels = [], []
    for behaviour in rng.choice(names, size=n_bouts, p=probs):
        n = int(rng.integers(3, 8)) * WIN
        signal.append(synth_bout(behaviour, n))
        labels.extend([ETHOGRAM[behaviour]] * n)
    return cow_tag, np.concatenate(signal, axis=1), np.array(labels)


def window_session(signal, labels):
    xs, ys = [], []
    for start in range(0, signal.shape[1] - WIN + 1, HOP):
        seg = labels[start:start + WIN]
        vals, counts = np.unique(seg, return_counts=True)
        if counts.max() < 0.8 * WIN:
            continue
        xs.append(signal[:, start:start + WIN])
        ys.append(vals[counts.argmax()])
    return np.stack(xs), np.array(ys)


def add_magnitude(x):
    mag = np.sqrt((x ** 2).sum(axis=1, keepdims=True))
    return np.concatenate([x, mag], axis=1)


def build_cnn(in_ch, n_classes):
    return nn.Sequential(
        nn.Conv1d(in_ch, 32, kernel_size=7, padding=3), nn.BatchNorm1d(32), nn.ReLU(),
        nn.MaxPool1d(2),
        nn.Conv1d(32, 64, kernel_size=5, padding=2), nn.BatchNorm1d(64), nn.ReLU(),
        nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(64, n_classes),
    )


def train_one_epoch(model, loader, opt, class_w):
    model.train()
    losses = []
    for xb, yb in loader:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb, weight=class_w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    for xb, yb in loader:
        pred = model(xb).argmax(1)
        correct += (pred == yb).sum().item()
        total += len(yb)
    return correct / total


sessions = [make_collar_session(f"IE{3100 + i}") for i in range(8)]
train_tags = {s[0] for s in sessions[:6]}

X_tr, y_tr, X_va, y_va = [], [], [], []
for tag, sig, lab in sessions:
    xw, yw = window_session(sig, lab)
    xw = add_magnitude(xw)
    if tag in train_tags:
        X_tr.append(xw); y_tr.append(yw)
    else:
        X_va.append(xw); y_va.append(yw)
X_tr, y_tr = np.concatenate(X_tr), np.concatenate(y_tr)
X_va, y_va = np.concatenate(X_va), np.concatenate(y_va)

n_classes = len(np.unique(y_tr))
counts = np.bincount(y_tr, minlength=n_classes)[:n_classes]
class_w = torch.tensor(len(y_tr) / (n_classes * np.maximum(counts, 1)), dtype=torch.float32)
print(f"{len(y_tr)} train windows, {len(y_va)} val windows, {n_classes} classes")

train_dl = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()), batch_size=64, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.from_numpy(X_va), torch.from_numpy(y_va).long()), batch_size=128)

model = build_cnn(X_tr.shape[1], n_classes)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
for epoch in range(2):
    loss = train_one_epoch(model, train_dl, opt, class_w)
    acc = evaluate(model, val_dl)
    print(f"epoch {epoch} loss {loss:.3f} val acc {acc:.3f}")
