"""Fault classifier for wind-turbine SCADA windows.

Each sample is a 10-minute window of SCADA channels (rotor speed, pitch,
gearbox temperature, ...) and a fault code from the alarm log.  Training is
step based (not epoch based), so the loader is wrapped in an endless stream.
"""
import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

parser = argparse.ArgumentParser()
parser.add_argument("--n-windows", type=int, default=1000)
parser.add_argument("--window-len", type=int, default=60)
parser.add_argument("--channels", type=int, default=8)
parser.add_argument("--n-faults", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=64)
parser.add_argument("--max-steps", type=int, default=40)
parser.add_argument("--lr", type=float, default=2e-3)
opts = parser.parse_args()

torch.manual_seed(11)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class ScadaWindows(Dataset):
    def __init__(self, n, length, channels, n_faults):
        self.faults = torch.randint(0, n_faults, (n,))
        base = torch.randn(n, length, channels) * 0.5
        # each fault type leaves a drift signature on one channel
        drift = torch.linspace(0, 1, length).unsqueeze(0)
        for k in range(n_faults):
            rows = self.faults == k
            base[rows, :, k % channels] += drift * (k + 1)
        self.windows = base

    def __len__(self):
        return len(self.faults)

    def __getitem__(self, i):
        return {"window": self.windows[i], "fault": self.faults[i]}


class FaultNet(nn.Module):
    def __init__(self, channels, n_faults, width=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(channels, width, kernel_size=5, padding=2), nn.ReLU(),
            nn.Conv1d(width, width, kernel_size=5, padding=2), nn.ReLU(),
        )
        self.classifier = nn.Linear(width, n_faults)

    def forward(self, window):
        h = self.conv(window.transpose(1, 2))
        return self.classifier(h.mean(-1))


def endless(loader):
    while True:
        for batch in loader:
            yield batch


data = ScadaWindows(opts.n_windows, opts.window_len, opts.channels, opts.n_faults)
loader = DataLoader(data, batch_size=opts.batch_size, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
stream = endless(loader)

model = FaultNet(opts.channels, opts.n_faults).to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=opts.lr)
criterion = nn.CrossEntropyLoss()
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=opts.lr,
                                                total_steps=opts.max_steps)

model.train()
running = 0.0
for step in range(1, opts.max_steps + 1):
    windows = next(stream)["window"].to(device)
    faults = next(stream)["fault"].to(device)

    logits = model(windows)
    loss = criterion(logits, faults)

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

    running += loss.item()
    if step % 10 == 0:
        print(f"step {step:3d}  loss {running / 10:.4f}")
        running = 0.0

model.eval()
with torch.no_grad():
    preds = model(data.windows.to(device)).argmax(-1).cpu()
print("train accuracy:", (preds == data.faults).float().mean().item())
