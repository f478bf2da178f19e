"""Formation-energy regression on small periodic cells with a CGCNN-style graph network.

Cells are generated synthetically (cubic lattices, random fractional coordinates); a radius
graph with minimum-image distances is built per crystal inside the collate function and the
atoms of a batch are packed into one disjoint graph.
"""
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrainConfig:
    n_crystals: int = 400
    max_sites: int = 6
    cutoff: float = 4.0
    n_gaussians: int = 24
    hidden: int = 48
    n_conv: int = 2
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 3
    elements: tuple = (3, 8, 11, 12, 13, 14, 16, 20, 22, 26, 29, 30)
    seed: int = 11
    target: str = "e_form"


cfg = TrainConfig()
torch.manual_seed(cfg.seed)

# crude per-element contributions (eV/atom) for the synthetic target
ELEMENT_REF = {3: -0.9, 8: -1.6, 11: -0.7, 12: -0.8, 13: -0.6, 14: -0.3,
               16: -0.5, 20: -1.1, 22: -0.4, 26: -0.2, 29: 0.1, 30: -0.1}


def make_crystals(cfg):
    rng = np.random.default_rng(cfg.seed)
    out = []
    for _ in range(cfg.n_crystals):
        n = int(rng.integers(1, cfg.max_sites + 1))
        z = rng.choice(cfg.elements, size=n)
        a = rng.uniform(3.0, 2.2 * n ** (1 / 3) + 2.5)
        frac = rng.random((n, 3))
        density = n / a ** 3
        e_form = np.mean([ELEMENT_REF[int(zi)] for zi in z]) - 2.0 * density + rng.normal(0, 0.03)
        out.append({"z": z, "frac": frac, "a": a, "e_form": float(e_form)})
    return out


class CrystalDataset(Dataset):
    def __init__(self, crystals, target):
        self.crystals = crystals
        self.target = target

    def __len__(self):
        return len(self.crystals)

    def __getitem__(self, i):
        c = self.crystals[i]
        return {
            "z": torch.as_tensor(c["z"], dtype=torch.long),
            "frac": torch.as_tensor(c["frac"], dtype=torch.float32),
            "a": float(c["a"]),
            "target": float(c[self.target]),
        }


def radius_graph(frac, a, cutoff):
    """Minimum-image neighbour list for a cubic cell of edge length `a`."""
    d = frac[:, None, :] - frac[None, :, :]
    d = d - torch.round(d)
    dist = (d * a).norm(dim=-1)
    n = frac.shape[0]
    keep = (dist < cutoff) & ~torch.eye(n, dtype=torch.bool)
    src, dst = keep.nonzero(as_tuple=True)
    return src, dst, dist[src, dst]


def collate_crystals(batch, cutoff):
    z_all, src_all, dst_all, len_all, owner, targets = [], [], [], [], [], []
    offset, n_kept = 0, 0
    for item in batch:
        src, dst, dist = radius_graph(item["frac"], item["a"], cutoff)
        if src.numel() == 0:
            continue
        targets.append(item["target"])
        n = item["z"].numel()
        z_all.append(item["z"])
        src_all.append(src + offset)
        dst_all.append(dst + offset)
        len_all.append(dist)
        owner.append(torch.full((n,), n_kept, dtype=torch.long))
        offset += n
        n_kept += 1
    return {
        "z": torch.cat(z_all),
        "edge_index": torch.stack([torch.cat(src_all), torch.cat(dst_all)]),
        "edge_len": torch.cat(len_all),
        "owner": torch.cat(owner),
        "n_crystals": n_kept,
        "y": torch.tensor(targets, dtype=torch.float32),
    }


class GaussianSmearing(nn.Module):
    def __init__(self, start, stop, n):
        super().__init__()
        self.register_buffer("centers", torch.linspace(start, stop, n))
        self.gamma = 0.5 / ((stop - start) / (n - 1)) ** 2

    def forward(self, d):
        return torch.exp(-self.gamma * (d[:, None] - self.centers) ** 2)


class CGConv(nn.Module):
    def __init__(self, hidden, edge_dim):
        super().__init__()
        self.lin = nn.Linear(2 * hidden + edge_dim, 2 * hidden)
        self.bn = nn.BatchNorm1d(hidden)

    def forward(self, h, edge_index, e):
        src, dst = edge_index
        gate, core = self.lin(torch.cat([h[dst], h[src], e], dim=-1)).chunk(2, dim=-1)
        msg = torch.sigmoid(gate) * F.softplus(core)
        agg = torch.zeros_like(h).index_add_(0, dst, msg)
        return F.softplus(h + self.bn(agg))


class CrystalGraphNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(100, cfg.hidden)
        self.rbf = GaussianSmearing(0.0, cfg.cutoff, cfg.n_gaussians)
        self.convs = nn.ModuleList(CGConv(cfg.hidden, cfg.n_gaussians) for _ in range(cfg.n_conv))
        self.head = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden), nn.Softplus(), nn.Linear(cfg.hidden, 1))

    def forward(self, batch):
        h = self.embed(batch["z"])
        e = self.rbf(batch["edge_len"])
        for conv in self.convs:
            h = conv(h, batch["edge_index"], e)
        counts = torch.bincount(batch["owner"], minlength=batch["n_crystals"]).clamp(min=1)
        pooled = h.new_zeros(batch["n_crystals"], h.shape[1]).index_add_(0, batch["owner"], h)
        return self.head(pooled / counts[:, None]).squeeze(-1)


def main():
    crystals = make_crystals(cfg)
    n_train = int(0.85 * len(crystals))
    collate = partial(collate_crystals, cutoff=cfg.cutoff)
    train_dl = DataLoader(CrystalDataset(crystals[:n_train], cfg.target), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=collate)
    val_dl = DataLoader(CrystalDataset(crystals[n_train:], cfg.target), batch_size=cfg.batch_size,
                        collate_fn=collate)

    model = CrystalGraphNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs * len(train_dl))

    for epoch in range(cfg.epochs):
        model.train()
        running = []
        for batch in train_dl:
            pred = model(batch)
            loss = F.l1_loss(pred, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            running.append(loss.item())
        model.eval()
        with torch.no_grad():
            val_mae = np.mean([F.l1_loss(model(b), b["y"]).item() for b in val_dl])
        print(f"epoch {epoch}: train MAE {np.mean(running):.3f} eV/atom | val MAE {val_mae:.3f} eV/atom")


if __name__ == "__main__":
    main()
