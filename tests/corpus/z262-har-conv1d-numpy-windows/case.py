import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(42)
torch.manual_seed(42)

# activity codes as they appear in the wearable export (UCI-HAR style numbering)
ACTIVITIES = {1: "walking", 2: "upstairs", 3: "downstairs", 4: "sitting", 5: "standing", 6: "lying"}
FS = 50          # Hz
WIN = 128        # samples per window
HOP = 64


def simulate_session(code, seconds=12):
    t = np.arange(seconds * FS) / FS
    freq = {1: 2.0, 2: 1.6, 3: 2.4, 4: 0.0, 5: 0.0, 6: 0.0}[code]
    gravity = {4: [0, 0.7, 0.7], 5: [0, 1, 0], 6: [1, 0, 0]}.get(code, [0, 1, 0])
    acc = np.stack([g + 0.4 * np.sin(2 * np.pi * freq * t + k) for k, g in enumerate(gravity)], axis=1)
    acc += rng.normal(0, 0.05, acc.shape)
    return acc.astype(np.float32), np.full(len(t), code, dtype=np.int64)


def to_windows(signal, codes):
    starts = np.arange(0, len(signal) - WIN + 1, HOP)
    idx = starts[:, None] + np.arange(WIN)[None, :]
    xw = signal[idx]                                        # (n, WIN, 3)
    yw = np.array([np.bincount(codes[i]).argmax() for i in idx])
    return xw, yw


def standardize(x, mean=None, std=None):
    if mean is None:
        mean, std = x.mean(axis=(0, 1)), x.std(axis=(0, 1)) + 1e-6
    return (x - mean) / std, mean, std


sessions = [simulate_session(code) for code in ACTIVITIES for _ in range(3)]
parts = [to_windows(s, c) for s, c in sessions]
X = np.concatenate([p[0] for p in parts])
y = np.concatenate([p[1] for p in parts])
X, mu, sigma = standardize(X)
print("windows:", X.shape, "label counts:", np.bincount(y))

perm = rng.permutation(len(X))
split = int(0.8 * len(X))
tr, va = perm[:split], perm[split:]
X_t = torch.from_numpy(X).permute(0, 2, 1).contiguous()   # (n, 3, WIN)
y_t = torch.from_numpy(y)


class ActivityCNN(nn.Module):
    def __init__(self, n_channels=3, n_classes=len(ACTIVITIES)):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(n_channels, 16, kernel_size=7, padding=3), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(16, 32, kernel_size=5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.classifier(self.features(x).squeeze(-1))


net = ActivityCNN()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
for epoch in range(5):
    net.train()
    for b in np.array_split(rng.permutation(tr), 6):
        bi = torch.from_numpy(b)
        loss = F.cross_entropy(net(X_t[bi]), y_t[bi])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        acc = (net(X_t[va]).argmax(1) == y_t[va]).float().mean().item()
    print(f"epoch {epoch} loss={loss.item():.3f} val_acc={acc:.3f}")

torch.save({"model": net.state_dict(), "mean": mu, "std": sigma}, tempfile.mkdtemp() + "/har_cnn.pt")
