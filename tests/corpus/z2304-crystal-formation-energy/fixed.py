"""Formation-energy regression on small inorganic crystals with a CGCNN-style model.

Structures are generated synthetically (random cubic/orthorhombic cells with a few
sites each).  Each structure is expanded to a 2x2x2 supercell before the radius graph
is built so that small cells still get a reasonable number of neighbours.
"""
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

ELEMENTS = {3: "Li", 8: "O", 11: "Na", 12: "Mg", 13: "Al", 14: "Si", 16: "S", 20: "Ca", 26: "Fe", 29: "Cu"}


@dataclass
class Crystal:
    formula: str
    lattice: np.ndarray          # (3, 3) row vectors, Angstrom
    frac_coords: np.ndarray      # (n_sites, 3)
    atomic_numbers: list
    formation_energy: float      # eV / atom


@dataclass
class GraphConfig:
    cutoff: float = 4.5
    n_gaussians: int = 24
    supercell: tuple = (2, 2, 2)
    max_z: int = 100
    hidden: int = 48
    n_conv: int = 2
    lr: float = 2e-3
    epochs: int = 2
    batch_size: int = 8


def random_crystal(rng):
    n_sites = rng.integers(2, 6)
    zs = rng.choice(list(ELEMENTS), size=n_sites).tolist()
    abc = rng.uniform(3.2, 5.5, size=3)
    lattice = np.diag(abc)
    frac = rng.uniform(0, 1, size=(n_sites, 3))
    formula = "".join(ELEMENTS[z] for z in zs)
    e_form = float(-0.4 * np.mean(zs) / 10 + rng.normal(0, 0.15))
    return Crystal(formula, lattice, frac, zs, e_form)


def make_supercell(frac_coords, lattice, scaling):
    sx, sy, sz = scaling
    images = []
    for i in range(sx):
        for j in range(sy):
            for k in range(sz):
                images.append(frac_coords + np.array([i, j, k]))
    frac_sc = np.concatenate(images, axis=0) / np.array(scaling, dtype=float)
    lattice_sc = lattice * np.array(scaling, dtype=float)[:, None]
    return frac_sc, lattice_sc


def gaussian_expand(d, cfg):
    centers = torch.linspace(0, cfg.cutoff, cfg.n_gaussians)
    width = centers[1] - centers[0]
    return torch.exp(-((d[:, None] - centers[None, :]) ** 2) / width ** 2)


def featurize(crystal, cfg):
    frac, lattice = crystal.frac_coords, crystal.lattice
    species = list(crystal.atomic_numbers)
    if tuple(cfg.supercell) != (1, 1, 1):
        frac, lattice = make_supercell(frac, lattice, cfg.supercell)
        species = species * int(np.prod(cfg.supercell))
    cart = torch.tensor(frac @ lattice, dtype=torch.float32)
    z = torch.tensor(species, dtype=torch.long)

    n_sites = cart.shape[0]
    dist = torch.cdist(cart, cart)
    src, dst, node_z = [], [], []
    for i in range(n_sites):
        node_z.append(z[i])
        nbrs = torch.nonzero((dist[i] < cfg.cutoff) & (dist[i] > 1e-6)).flatten()
        src.extend([i] * len(nbrs))
        dst.extend(nbrs.tolist())
    src = torch.tensor(src, dtype=torch.long)
    dst = torch.tensor(dst, dtype=torch.long)
    edge_attr = gaussian_expand(dist[src, dst], cfg)
    return {
        "z": torch.stack(node_z),
        "edge_index": torch.stack([src, dst]),
        "edge_attr": edge_attr,
        "y": torch.tensor([crystal.formation_energy]),
    }


class CrystalGraphDataset(Dataset):
    def __init__(self, crystals, cfg):
        self.graphs = [featurize(c, cfg) for c in crystals]

    def __len__(self):
        return len(self.graphs)

    def __getitem__(self, idx):
        return self.graphs[idx]


def collate_graphs(batch):
    zs, eis, eas, ys, batch_vec = [], [], [], [], []
    offset = 0
    for gi, g in enumerate(batch):
        n = g["z"].shape[0]
        zs.append(g["z"])
        eis.append(g["edge_index"] + offset)
        eas.append(g["edge_attr"])
        ys.append(g["y"])
        batch_vec.append(torch.full((n,), gi, dtype=torch.long))
        offset += n
    return (torch.cat(zs), torch.cat(eis, dim=1), torch.cat(eas),
            torch.cat(batch_vec), torch.cat(ys))


class ConvLayer(nn.Module):
    def __init__(self, hidden, edge_dim):
        super().__init__()
        self.filter = nn.Linear(2 * hidden + edge_dim, 2 * hidden)
        self.bn = nn.BatchNorm1d(hidden)

    def forward(self, h, edge_index, edge_attr):
        src, dst = edge_index
        m = self.filter(torch.cat([h[src], h[dst], edge_attr], dim=-1))
        gate, core = m.chunk(2, dim=-1)
        msg = torch.sigmoid(gate) * nn.functional.softplus(core)
        agg = torch.zeros_like(h).index_add_(0, src, msg)
        return nn.functional.softplus(h + self.bn(agg))


class CGCNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.max_z + 1, cfg.hidden)
        self.convs = nn.ModuleList([ConvLayer(cfg.hidden, cfg.n_gaussians) for _ in range(cfg.n_conv)])
        self.head = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden), nn.Softplus(), nn.Linear(cfg.hidden, 1))

    def forward(self, z, edge_index, edge_attr, batch_vec, n_graphs):
        h = self.embed(z)
        for conv in self.convs:
            h = conv(h, edge_index, edge_attr)
        pooled = torch.zeros(n_graphs, h.shape[1]).index_add_(0, batch_vec, h)
        counts = torch.bincount(batch_vec, minlength=n_graphs).clamp(min=1).unsqueeze(1)
        return self.head(pooled / counts).squeeze(-1)


def main():
    cfg = GraphConfig()
    rng = np.random.default_rng(SEED)
    crystals = [random_crystal(rng) for _ in range(40)]
    train_set = CrystalGraphDataset(crystals[:32], cfg)
    val_set = CrystalGraphDataset(crystals[32:], cfg)
    train_loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_graphs)
    val_loader = DataLoader(val_set, batch_size=cfg.batch_size, collate_fn=collate_graphs)

    model = CGCNN(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.L1Loss()
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for z, ei, ea, bv, y in train_loader:
            pred = model(z, ei, ea, bv, y.shape[0])
            loss = loss_fn(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * y.shape[0]
        model.eval()
        with torch.no_grad():
            val_mae = sum(loss_fn(model(z, ei, ea, bv, y.shape[0]), y).item() * y.shape[0]
                          for z, ei, ea, bv, y in val_loader) / len(val_set)
        print(f"epoch {epoch}: train MAE {running / len(train_set):.3f}  val MAE {val_mae:.3f} eV/atom")


if __name__ == "__main__":
    main()
