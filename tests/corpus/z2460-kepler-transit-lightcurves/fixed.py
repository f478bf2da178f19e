"""Transit / no-transit classifier for Kepler-like long-cadence light curves.

Quarters have different numbers of valid cadences after gap removal, so the
light curves are variable length and get padded in the collate function.
A small conv + GRU encoder feeds an attention-pooling head.
"""
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

rng = np.random.default_rng(7)
torch.manual_seed(7)

N_STARS = 96
MIN_CADENCES, MAX_CADENCES = 300, 520
BATCH_SIZE = 16
EPOCHS = 2


def simulate_lightcurve(n_cad, has_transit):
    t = np.arange(n_cad) * 0.0204  # days, ~29.4 min cadence
    flux = 1.0 + 2e-4 * rng.standard_normal(n_cad)
    flux += 5e-4 * np.sin(2 * np.pi * t / rng.uniform(3, 12))  # stellar variability
    if has_transit:
        period = rng.uniform(1.5, 4.0)
        depth = rng.uniform(4e-4, 2e-3)
        dur = rng.uniform(0.08, 0.2)
        phase = (t - rng.uniform(0, period)) % period
        flux[phase < dur] -= depth
    # random data gaps (momentum dumps) are removed, not NaN-filled
    keep = rng.random(n_cad) > 0.03
    return t[keep], flux[keep]


class LightCurveSet(Dataset):
    def __init__(self, n):
        self.items = []
        for _ in range(n):
            label = int(rng.random() < 0.5)
            t, f = simulate_lightcurve(rng.integers(MIN_CADENCES, MAX_CADENCES), label)
            f = (f - np.median(f)) / (1.4826 * np.median(np.abs(f - np.median(f))) + 1e-8)
            self.items.append((f.astype(np.float32), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_collate(batch):
    lengths = [len(f) for f, _ in batch]
    T = max(lengths)
    flux = np.zeros((len(batch), T), dtype=np.float32)
    pad_mask = np.ones((len(batch), T), dtype=bool)
    for i, (f, _) in enumerate(batch):
        flux[i, : len(f)] = f
        pad_mask[i, : len(f)] = 0
    labels = torch.tensor([y for _, y in batch], dtype=torch.float32)
    return torch.from_numpy(flux), torch.from_numpy(pad_mask), labels


class AttentionPool(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.score = nn.Linear(d, 1)

    def forward(self, h, pad_mask):
        s = self.score(h).squeeze(-1)
        s = s.masked_fill(pad_mask, -math.inf)
        w = torch.softmax(s, dim=1)
        return torch.einsum("bt,btd->bd", w, h)


class TransitNet(nn.Module):
    def __init__(self, d=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(1, d, kernel_size=9, padding=4),
            nn.GELU(),
            nn.Conv1d(d, d, kernel_size=9, padding=4),
            nn.GELU(),
        )
        self.gru = nn.GRU(d, d, batch_first=True, bidirectional=True)
        self.pool = AttentionPool(2 * d)
        self.head = nn.Linear(2 * d, 1)

    def forward(self, flux, pad_mask):
        h = self.conv(flux.unsqueeze(1)).transpose(1, 2)
        h, _ = self.gru(h)
        z = self.pool(h, pad_mask)
        return self.head(z).squeeze(-1)


def main():
    ds = LightCurveSet(N_STARS)
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=pad_collate)
    model = TransitNet()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(EPOCHS):
        model.train()
        running, correct, seen = 0.0, 0, 0
        for flux, pad_mask, y in loader:
            logits = model(flux, pad_mask)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(y)
            correct += ((logits > 0).float() == y).sum().item()
            seen += len(y)
        print(f"epoch {epoch}: loss={running / seen:.4f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    main()
