import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

ACTIVITIES = ["sitting", "walking", "running"]
RATE_HZ = 25
WINDOW = 50
STEP = 25


def simulate_recording(activity, seconds, rng):
    t = np.arange(seconds * RATE_HZ) / RATE_HZ
    freq, amp = {"sitting": (0.2, 0.05), "walking": (1.8, 0.6), "running": (2.9, 1.4)}[activity]
    phase = rng.uniform(0, 2 * math.pi, size=3)
    sig = np.stack([amp * np.sin(2 * math.pi * freq * t + p) for p in phase], axis=1)
    sig[:, 2] += 9.81
    return sig + rng.normal(0, 0.1, size=sig.shape)


def sliding_windows(signal, width, step):
    for start in range(0, len(signal) - width + 1, step):
        yield signal[start:start + width]


def build_dataset(rng):
    segments, activity_ids = [], []
    for idx, act in enumerate(ACTIVITIES):
        for _ in range(3):
            rec = simulate_recording(act, seconds=12, rng=rng)
            rec = (rec - rec.mean(0)) / (rec.std(0) + 1e-6)
            for win in sliding_windows(rec, WINDOW, STEP):
                segments.append(win)
                activity_ids.append(idx)
    x = torch.tensor(np.stack(segments), dtype=torch.float32)
    y = torch.tensor(activity_ids)
    return TensorDataset(x, y)


class ActivityNet(nn.Module):
    def __init__(self, channels=3, hidden=32, n_classes=len(ACTIVITIES)):
        super().__init__()
        self.lstm = nn.LSTM(channels, hidden, num_layers=2, dropout=0.1, batch_first=True)
        self.classify = nn.Linear(hidden, n_classes)

    def forward(self, window):
        _, (h_n, _) = self.lstm(window)
        return self.classify(h_n[-1])


def fit(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for ep in range(epochs):
        hits, seen = 0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            hits += (logits.argmax(1) == yb).sum().item()
            seen += len(yb)
        print(f"epoch {ep}: loss={loss.item():.3f} acc={hits / seen:.2f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    data = build_dataset(np.random.default_rng(0))
    loader = DataLoader(data, batch_size=16, shuffle=True)
    fit(ActivityNet(), loader)
