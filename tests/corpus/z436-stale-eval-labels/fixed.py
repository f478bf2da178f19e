import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)

NUM_FEATURES = 24
NUM_CLASSES = 5


class SensorWindows(Dataset):
    """Fake accelerometer windows: each sample is a flat feature vector plus an activity id."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(n, NUM_FEATURES, generator=g)
        self.y = torch.randint(0, NUM_CLASSES, (n,), generator=g)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class ActivityMLP(nn.Module):
    def __init__(self, in_dim, hidden, n_cls, p_drop=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.ReLU(),
            nn.Dropout(p_drop),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_cls),
        )

    def forward(self, x):
        return self.net(x)


train_ds = SensorWindows(64, seed=1)
val_ds = SensorWindows(20, seed=2)
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=16, shuffle=False)

model = ActivityMLP(NUM_FEATURES, 48, NUM_CLASSES)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
criterion = nn.CrossEntropyLoss()

history = []
for epoch in range(3):
    model.train()
    running = 0.0
    for feats, labels in train_loader:
        opt.zero_grad()
        out = model(feats)
        loss = criterion(out, labels)
        loss.backward()
        opt.step()
        running += loss.item() * feats.size(0)
    train_loss = running / len(train_ds)

    # validation
    model.eval()
    val_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for feats, targets in val_loader:
            out = model(feats)
            val_loss += criterion(out, targets).item() * feats.size(0)
            correct += (out.argmax(dim=-1) == targets).sum().item()
            seen += feats.size(0)

    history.append((train_loss, val_loss / seen, correct / seen))
    print(f"epoch {epoch}: train={train_loss:.4f} val={val_loss / seen:.4f} acc={correct / seen:.3f}")

best = min(range(len(history)), key=lambda e: history[e][1])
print(f"best epoch by val loss: {best}")
