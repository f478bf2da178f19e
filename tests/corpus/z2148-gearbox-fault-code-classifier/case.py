"""Fault-code classifier for gearbox accelerometer windows (test stand GB-3).

Reads the maintenance log exported from the CMMS, pairs each logged fault code
with the tri-axial vibration window captured right before the inspection, and
trains a small 1D-CNN to predict the fault code from the raw window.
"""
import math
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
random.seed(7)

FAULT_NAMES = {
    0: "healthy",
    1: "shaft_imbalance",
    2: "misalignment",
    3: "mechanical_looseness",
    4: "bearing_outer_race",
    5: "bearing_inner_race",
}
SAMPLE_RATE_HZ = 2048
WINDOW_LEN = 256
N_AXES = 3

# characteristic frequency (Hz) that dominates each fault signature on this stand
SIGNATURE_HZ = {0: 0.0, 1: 25.0, 2: 50.0, 3: 75.0, 4: 162.0, 5: 241.0}


def export_maintenance_log(n_records=240):
    """Stand-in for the CMMS export: (machine_id, fault_code) rows."""
    observed = [0, 0, 0, 1, 2, 4, 5]
    rows = []
    for i in range(n_records):
        rows.append({"machine_id": f"GB3-{i % 4:02d}", "fault_code": random.choice(observed)})
    return rows


def capture_window(fault_code):
    t = torch.arange(WINDOW_LEN) / SAMPLE_RATE_HZ
    shaft = torch.sin(2 * math.pi * 25.0 * t)
    window = torch.stack([shaft * g for g in (1.0, 0.6, 0.3)])
    f = SIGNATURE_HZ[fault_code]
    if f > 0:
        window = window + 0.8 * torch.sin(2 * math.pi * f * t + random.random())
    return window + 0.2 * torch.randn(N_AXES, WINDOW_LEN)


def build_dataset(log_rows):
    windows = torch.stack([capture_window(r["fault_code"]) for r in log_rows])
    fault_code = torch.tensor([r["fault_code"] for r in log_rows], dtype=torch.long)
    return windows, fault_code


class VibrationCNN(nn.Module):
    def __init__(self, n_axes, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(n_axes, 16, kernel_size=9, padding=4),
            nn.BatchNorm1d(16),
            nn.ReLU(),
            nn.MaxPool1d(4),
            nn.Conv1d(16, 32, kernel_size=5, padding=2),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def train(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for windows, codes in loader:
            opt.zero_grad()
            loss = loss_fn(model(windows), codes)
            loss.backward()
            opt.step()
            running += loss.item() * windows.size(0)
        print(f"epoch {epoch}: loss {running / len(loader.dataset):.4f}")


@torch.no_grad()
def evaluate(model, windows, codes):
    model.eval()
    pred = model(windows).argmax(dim=1)
    acc = (pred == codes).float().mean().item()
    print(f"holdout accuracy: {acc:.3f}")


def main():
    log_rows = export_maintenance_log()
    windows, fault_code = build_dataset(log_rows)
    # per-axis standardisation
    mu = windows.mean(dim=(0, 2), keepdim=True)
    sd = windows.std(dim=(0, 2), keepdim=True)
    windows = (windows - mu) / sd

    n_fault_classes = len(torch.unique(fault_code))
    print(f"{len(log_rows)} windows, {n_fault_classes} fault classes")

    split = int(0.8 * len(log_rows))
    train_ds = TensorDataset(windows[:split], fault_code[:split])
    loader = DataLoader(train_ds, batch_size=32, shuffle=True)

    model = VibrationCNN(N_AXES, n_fault_classes)
    train(model, loader)
    evaluate(model, windows[split:], fault_code[split:])
    out_dir = tempfile.mkdtemp(prefix="gb3_")
    torch.save(model.state_dict(), os.path.join(out_dir, "fault_cnn.pt"))


if __name__ == "__main__":
    main()
