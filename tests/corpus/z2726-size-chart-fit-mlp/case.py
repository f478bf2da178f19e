from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, TensorDataset, random_split

RAW_CONFIG = """
size_chart:
  columns: [bust, waist, hip, length, sleeve, inseam]
  sizes: [XS, S, M, L, XL]
  base_cm: [84.0, 66.0, 90.0, 100.0, 60.0, 76.0]
  step_cm: [4.0, 4.0, 4.0, 1.5, 1.0, 1.0]
fits: [slim, regular, relaxed]
net:
  hidden: 32
  fit_dim: 4
  dropout: 0.15
fit:
  epochs: 4
  batch_size: 16
  lr: 0.003
  seed: 21
"""

CFG = yaml.safe_load(RAW_CONFIG)
N_MEASUREMENTS = 5
FIT_EASE_CM = {"slim": -2.0, "regular": 0.0, "relaxed": 4.0}


@dataclass
class ChartSpec:
    columns: list
    sizes: list
    base: np.ndarray
    step: np.ndarray

    @classmethod
    def from_cfg(cls, sc):
        return cls(sc["columns"], sc["sizes"], np.asarray(sc["base_cm"]), np.asarray(sc["step_cm"]))

    def row(self, size_idx):
        return self.base + size_idx * self.step


def simulate_fittings(chart, fits, n, rng):
    customers, garments, fit_ids, best = [], [], [], []
    for _ in range(n):
        true_size = rng.integers(len(chart.sizes))
        fit_id = rng.integers(len(fits))
        body = chart.row(true_size) + rng.normal(0.0, 1.2, size=len(chart.columns))
        body = body - FIT_EASE_CM[fits[fit_id]] * (chart.step > 2)
        shown = rng.integers(len(chart.sizes))
        customers.append(body)
        garments.append(chart.row(shown))
        fit_ids.append(fit_id)
        best.append(true_size)
    as_t = lambda a, dt: torch.tensor(np.stack(a) if dt is torch.float32 else np.asarray(a), dtype=dt)
    return (as_t(customers, torch.float32), as_t(garments, torch.float32),
            as_t(fit_ids, torch.long), as_t(best, torch.long))


class SizeRecommender(nn.Module):
    def __init__(self, n_fits, n_sizes, hidden, fit_dim, dropout):
        super().__init__()
        self.blocks = nn.ModuleDict({
            "measure": nn.Linear(3 * N_MEASUREMENTS, hidden),
            "fit_emb": nn.Embedding(n_fits, fit_dim),
            "mix": nn.Linear(hidden + fit_dim, hidden),
            "out": nn.Linear(hidden, n_sizes),
        })
        self.dropout = dropout

    def forward(self, body, garment, fit_id, scale):
        b, g = body / scale, garment / scale
        x = torch.cat([b, g, b - g], dim=-1)
        h = F.relu(self.blocks["measure"](x))
        h = torch.cat([h, self.blocks["fit_emb"](fit_id)], dim=-1)
        h = F.dropout(F.relu(self.blocks["mix"](h)), p=self.dropout, training=self.training)
        return self.blocks["out"](h)


def run():
    chart = ChartSpec.from_cfg(CFG["size_chart"])
    hp = CFG["fit"]
    rng = np.random.default_rng(hp["seed"])
    torch.manual_seed(hp["seed"])

    tensors = simulate_fittings(chart, CFG["fits"], 400, rng)
    scale = tensors[0].mean(0, keepdim=True)
    ds = TensorDataset(*tensors)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(hp["seed"]))
    train_dl = DataLoader(train_ds, batch_size=hp["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    net = SizeRecommender(len(CFG["fits"]), len(chart.sizes), **CFG["net"])
    opt = torch.optim.Adam(net.parameters(), lr=hp["lr"])

    for epoch in range(hp["epochs"]):
        net.train()
        losses = []
        for body, garment, fit_id, target in train_dl:
            logits = net(body, garment, fit_id, scale)
            loss = F.cross_entropy(logits, target, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        net.eval()
        with torch.no_grad():
            hits = sum((net(b, g, f, scale).argmax(-1) == y).sum().item() for b, g, f, y in val_dl)
        print(f"epoch {epoch}: loss {np.mean(losses):.3f} val_acc {hits / n_val:.3f}")

    probe = chart.row(2)[None, :]
    with torch.no_grad():
        p = F.softmax(net(torch.tensor(probe, dtype=torch.float32),
                          torch.tensor(chart.row(2)[None, :], dtype=torch.float32),
                          torch.tensor([1]), scale), dim=-1)
    print({s: round(float(v), 3) for s, v in zip(chart.sizes, p[0])})


if __name__ == "__main__":
    run()
