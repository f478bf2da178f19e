import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

np.random.seed(11)
torch.manual_seed(11)

CHANNELS = ["IR_10.3", "IR_12.3", "WV_6.2", "WV_7.3"]
CLOUD_TYPES = ["clear", "stratiform", "cumulus", "deep_convective", "cirrus"]
PATCH = 32


def synth_brightness_temps(n, patch):
    """Fake GOES-like brightness temperature patches in Kelvin, shape (n, C, H, W)."""
    labels = np.random.randint(0, len(CLOUD_TYPES), size=n)
    cloud_top = np.array([290.0, 265.0, 255.0, 205.0, 225.0])[labels]
    bt = np.empty((n, len(CHANNELS), patch, patch))
    yy, xx = np.mgrid[0:patch, 0:patch]
    for i in range(n):
        cx, cy = np.random.uniform(8, patch - 8, size=2)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * 6.0 ** 2))
        for c in range(len(CHANNELS)):
            offset = -25.0 if CHANNELS[c].startswith("WV") else 0.0
            bt[i, c] = 290.0 + offset + (cloud_top[i] - 290.0) * blob
        bt[i] += np.random.normal(0, 1.5, size=bt[i].shape)
    return bt, labels


class ChannelScaler:
    def fit(self, bt):
        self.mean = bt.mean(axis=(0, 2, 3), keepdims=True)
        self.std = bt.std(axis=(0, 2, 3), keepdims=True)
        return self

    def transform(self, bt):
        return (bt - self.mean) / self.std


class SatPatchDataset(Dataset):
    def __init__(self, bt, labels, scaler):
        self.x = torch.from_numpy(scaler.transform(bt).astype(np.float32))
        self.y = torch.from_numpy(labels).long()

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class CloudTypeNet(nn.Module):
    def __init__(self, in_ch, n_classes, width=16):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, width, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width * 2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(width * 2)
        self.head = nn.Linear(width * 2, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = x.mean(dim=(2, 3))
        return self.head(x)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        with torch.set_grad_enabled(training):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot_loss += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
        n += len(yb)
    return tot_loss / n, correct / n


def main():
    bt, labels = synth_brightness_temps(400, PATCH)
    split = 320
    scaler = ChannelScaler().fit(bt[:split])
    train_ds = SatPatchDataset(bt[:split], labels[:split], scaler)
    val_ds = SatPatchDataset(bt[split:], labels[split:], scaler)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    model = CloudTypeNet(len(CHANNELS), len(CLOUD_TYPES))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
