"""Next-day peak loading band for pole-mounted distribution transformers.

For each transformer we look back one week of hourly loading (% of nameplate kVA)
and ambient temperature and classify tomorrow's peak into a loading band, so that
the field crews can prioritise load transfers before the evening peak.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
rng = np.random.default_rng(7)

LOOKBACK_H = 168
LOADING_BANDS_PCT = (80.0, 100.0, 120.0)
N_UNITS = 6
N_DAYS = 30


def simulate_fleet():
    hours = np.arange(N_DAYS * 24)
    hod = hours % 24
    dow = (hours // 24) % 7
    ambient = 24 + 7 * np.sin(2 * np.pi * (hod - 9) / 24) + 4 * np.sin(2 * np.pi * hours / (24 * 40))
    loading = []
    for u in range(N_UNITS):
        base = rng.uniform(45, 85)
        ev_share = rng.uniform(0.0, 0.5)
        evening = np.exp(-((hod - 19) ** 2) / 4.0)
        cooling = np.clip(ambient - 22, 0, None) * rng.uniform(1.5, 3.0)
        series = base * (0.7 + 0.5 * evening) + cooling + 40 * ev_share * evening * (dow < 5)
        loading.append(series + rng.normal(0, 4, len(hours)))
    return np.stack(loading).astype(np.float32), ambient.astype(np.float32), hod, dow


def band_of(peak_pct):
    return np.digitize(peak_pct, LOADING_BANDS_PCT)


def make_windows(loading, ambient, hod, dow):
    feats, cal, labels = [], [], []
    for u in range(loading.shape[0]):
        for end in range(LOOKBACK_H, loading.shape[1] - 24 + 1, 24):
            start = end - LOOKBACK_H
            feats.append(np.stack([loading[u, start:end] / 100.0, (ambient[start:end] - 25) / 10], -1))
            cal.append(np.stack([hod[start:end], dow[start:end]], -1))
            labels.append(band_of(loading[u, end:end + 24].max()))
    return (torch.tensor(np.array(feats)), torch.tensor(np.array(cal), dtype=torch.long),
            torch.tensor(labels, dtype=torch.long))


class PeakBandNet(nn.Module):
    def __init__(self, n_bands, hidden=40):
        super().__init__()
        self.hour = nn.Embedding(24, 4)
        self.weekday = nn.Embedding(7, 3)
        self.rnn = nn.GRU(2 + 4 + 3, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_bands))

    def forward(self, x, cal):
        z = torch.cat([x, self.hour(cal[..., 0]), self.weekday(cal[..., 1])], -1)
        _, h = self.rnn(z)
        return self.head(h[-1])


def evaluate(model, loader):
    model.eval()
    hits, n = 0, 0
    with torch.no_grad():
        for x, cal, y in loader:
            hits += (model(x, cal).argmax(-1) == y).sum().item()
            n += len(y)
    return hits / n


def main():
    loading, ambient, hod, dow = simulate_fleet()
    x, cal, y = make_windows(loading, ambient, hod, dow)
    counts = np.bincount(y.numpy())
    print(f"{len(y)} windows, band counts {counts.tolist()}")

    idx = torch.randperm(len(y))
    n_train = int(0.8 * len(y))
    tr, va = idx[:n_train], idx[n_train:]
    train_dl = DataLoader(TensorDataset(x[tr], cal[tr], y[tr]), batch_size=64, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[va], cal[va], y[va]), batch_size=256)

    model = PeakBandNet(n_bands=len(LOADING_BANDS_PCT) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(1):
        model.train()
        running = 0.0
        for xb, cb, yb in train_dl:
            logits = model(xb, cb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(yb)
        print(f"epoch {epoch}: ce {running / n_train:.3f}  val acc {evaluate(model, val_dl):.3f}")


if __name__ == "__main__":
    main()
