"""Turbine condition classifier from 10-minute SCADA summaries.

States: 0 = normal, 1 = yaw misalignment, 2 = blade icing, 3 = gearbox overheating.
Readings are synthesised here so the script is self-contained.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(2024)

FEATURES = ["wind_ms", "rotor_rpm", "power_kw", "nacelle_temp", "gearbox_temp", "yaw_error_deg"]
N_STATES = 4
SPLIT_SIZES = {"train": 240, "test": 72}
SPLIT_SEEDS = {"train": 17, "test": 91}

# state-dependent shifts of the standardised readings
_SHIFT = torch.tensor([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, -0.3, -0.8, 0.0, 0.1, 2.5],
    [0.2, -1.0, -1.5, -1.2, 0.0, 0.0],
    [0.0, 0.2, -0.4, 0.8, 2.2, 0.0],
])

_cache = {}


def _make_split(split):
    if split not in _cache:
        g = torch.Generator().manual_seed(SPLIT_SEEDS[split])
        n = SPLIT_SIZES[split]
        states = torch.randint(0, N_STATES, (n,), generator=g)
        readings = torch.randn(n, len(FEATURES), generator=g) + _SHIFT[states]
        _cache[split] = (readings, states)
    return _cache[split]


def readings_for(split):
    return _make_split(split)[0]


def labels_for(split):
    return _make_split(split)[1]


class ConditionNet(nn.Module):
    def __init__(self, n_in, n_out, width=32):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, width), nn.GELU(), nn.Linear(width, width), nn.GELU())
        self.out = nn.Linear(width, n_out)

    def forward(self, x):
        return self.out(self.body(x))


@torch.no_grad()
def score_all(model, loader):
    model.eval()
    return torch.cat([model(x) for (x,) in loader])


train_loader = DataLoader(TensorDataset(readings_for("train"), labels_for("train")),
                          batch_size=32, shuffle=True)
test_loader = DataLoader(TensorDataset(readings_for("test")), batch_size=32)

model = ConditionNet(len(FEATURES), N_STATES)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(1, 16):
    model.train()
    total = 0.0
    for x, y in train_loader:
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(y)
    if epoch % 5 == 0:
        print(f"[epoch {epoch:2d}] train nll {total / SPLIT_SIZES['train']:.3f}")

test_scores = score_all(model, test_loader)
truth = labels_for(split="test")
nll = F.cross_entropy(test_scores, truth)
acc = (test_scores.argmax(1) == truth).float().mean()
print(f"held-out nll {nll.item():.3f}  accuracy {acc.item():.3f}")
