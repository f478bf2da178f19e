"""Recycling line sorter: classify near-infrared spectra of items on a conveyor
into material bins with a linear probe."""
import enum

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)

N_BANDS = 24


class Material(enum.Enum):
    PET = enum.auto()
    HDPE = enum.auto()
    PVC = enum.auto()
    GLASS = enum.auto()
    ALUMINIUM = enum.auto()


def synth_spectrum(material, noise=0.05):
    """Fake NIR reading: one absorption peak per material plus noise."""
    bands = torch.linspace(0, 1, N_BANDS)
    centre = 0.1 + 0.18 * list(Material).index(material)
    return torch.exp(-((bands - centre) ** 2) / 0.005) + noise * torch.randn(N_BANDS)


class ConveyorScans(Dataset):
    def __init__(self, cats):
        self.x = torch.stack([synth_spectrum(c) for c in cats])
        self.y = torch.tensor([list(Material).index(c) for c in cats])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def scan_log(n_per_class=6):
    cats = [m for m in Material for _ in range(n_per_class)]
    order = torch.randperm(len(cats)).tolist()
    return [cats[i] for i in order]


train_ds = ConveyorScans(scan_log())
loader = DataLoader(train_ds, batch_size=10, shuffle=True)
print(f"{len(train_ds)} scans, {len(Material)} material bins")

probe = nn.Linear(N_BANDS, len(Material))
opt = torch.optim.SGD(probe.parameters(), lr=0.5)

for epoch in range(5):
    running = 0.0
    for x, y in loader:
        loss = F.cross_entropy(probe(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * len(y)
    print(f"epoch {epoch}: mean loss {running / len(train_ds):.4f}")

with torch.no_grad():
    test = torch.stack([synth_spectrum(m) for m in Material])
    preds = probe(test).argmax(-1).tolist()
for m, p in zip(Material, preds):
    print(f"{m.name:>10} -> {list(Material)[p].name}")
