import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(7)
rng = np.random.default_rng(7)

ATOM_TYPES = ["C", "N", "O", "S", "F", "Cl"]
BOND_TYPES = ["SINGLE", "DOUBLE", "TRIPLE", "AROMATIC"]
ATOM2IDX = {a: i for i, a in enumerate(ATOM_TYPES)}
BOND2IDX = {b: i for i, b in enumerate(BOND_TYPES)}


@dataclass
class Molecule:
    name: str
    atoms: list = field(default_factory=list)
    bonds: list = field(default_factory=list)
    target: float = 0.0


def parse_block(block):
    lines = [l.strip() for l in block.strip().splitlines() if l.strip()]
    name = lines[0]
    n_atoms, n_bonds = map(int, lines[1].split())
    atoms = [lines[2 + k].split()[0] for k in range(n_atoms)]
    bonds = []
    for k in range(n_bonds):
        a, b, t = lines[2 + n_atoms + k].split()
        bonds.append((int(a) - 1, int(b) - 1, t))
    target = float(lines[2 + n_atoms + n_bonds].split("=")[1])
    return Molecule(name, atoms, bonds, target)


def synth_block(k):
    n = int(rng.integers(3, 14))
    atoms = [ATOM_TYPES[int(i)] for i in rng.choice(len(ATOM_TYPES), n, p=[.55, .15, .15, .05, .05, .05])]
    bonds = [(i, int(rng.integers(0, i)), BOND_TYPES[int(rng.choice(4, p=[.7, .15, .05, .1]))]) for i in range(1, n)]
    y = 0.4 * atoms.count("O") + 0.2 * atoms.count("N") - 0.05 * n + rng.normal(0, 0.1)
    out = [f"mol_{k:04d}", f"{n} {len(bonds)}"]
    out += [f"{a} 0.0 0.0 0.0" for a in atoms]
    out += [f"{i + 1} {j + 1} {t}" for i, j, t in bonds]
    out.append(f"logS={y:.4f}")
    return "\n".join(out)


SDF_TEXT = "\n$$$$\n".join(synth_block(k) for k in range(200))
molecules = [parse_block(b) for b in SDF_TEXT.split("$$$$")]


class MolDataset(Dataset):
    def __init__(self, mols):
        self.mols = mols

    def __len__(self):
        return len(self.mols)

    def __getitem__(self, i):
        m = self.mols[i]
        x = torch.tensor([ATOM2IDX[a] for a in m.atoms])
        if m.bonds:
            ei = torch.tensor([[a for a, b, _ in m.bonds] + [b for a, b, _ in m.bonds],
                               [b for a, b, _ in m.bonds] + [a for a, b, _ in m.bonds]])
            ea = torch.tensor([BOND2IDX[t] for _, _, t in m.bonds] * 2)
        else:
            ei, ea = torch.empty(2, 0, dtype=torch.long), torch.empty(0, dtype=torch.long)
        return {"x": x, "edge_index": ei, "edge_attr": ea, "y": torch.tensor(m.target)}


def collate_graphs(items):
    sizes = [it["x"].numel() for it in items]
    offsets = np.cumsum([0] + sizes[:-1])
    max_n = max(sizes)
    pad_mask = torch.ones(len(items), max_n)
    for g, n in enumerate(sizes):
        pad_mask[g, :n] = 0
    return {
        "x": torch.cat([it["x"] for it in items]),
        "edge_index": torch.cat([it["edge_index"] + int(o) for it, o in zip(items, offsets)], dim=1),
        "edge_attr": torch.cat([it["edge_attr"] for it in items]),
        "batch": torch.repeat_interleave(torch.arange(len(items)), torch.tensor(sizes)),
        "pos_in_graph": torch.cat([torch.arange(n) for n in sizes]),
        "pad_mask": pad_mask,
        "y": torch.stack([it["y"] for it in items]),
    }


class EdgeConv(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.bond = nn.Embedding(len(BOND_TYPES), dim)
        self.lin = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, h, edge_index, edge_attr):
        src, dst = edge_index
        msg = F.silu(self.lin(h[src] * self.bond(edge_attr)))
        deg = torch.zeros(h.size(0)).index_add_(0, dst, torch.ones(dst.numel())).clamp(min=1)
        agg = torch.zeros_like(h).index_add_(0, dst, msg) / deg.unsqueeze(-1)
        return self.norm(h + agg)


class AttnReadoutGNN(nn.Module):
    def __init__(self, dim=48, layers=3):
        super().__init__()
        self.embed = nn.Embedding(len(ATOM_TYPES), dim)
        self.convs = nn.ModuleList(EdgeConv(dim) for _ in range(layers))
        self.query = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.out = nn.Linear(dim, 1)

    def forward(self, b):
        h = self.embed(b["x"])
        for conv in self.convs:
            h = conv(h, b["edge_index"], b["edge_attr"])
        B, N = b["pad_mask"].shape
        dense = h.new_zeros(B, N, h.size(-1))
        dense[b["batch"], b["pos_in_graph"]] = h
        scores = dense @ self.query
        scores = scores.masked_fill(b["pad_mask"], float("-inf"))
        weights = scores.softmax(dim=-1).unsqueeze(-1)
        return self.out((weights * dense).sum(1)).squeeze(-1)


random.seed(7)
random.shuffle(molecules)
split = int(0.8 * len(molecules))
train_loader = DataLoader(MolDataset(molecules[:split]), batch_size=32, shuffle=True, collate_fn=collate_graphs)
val_loader = DataLoader(MolDataset(molecules[split:]), batch_size=64, collate_fn=collate_graphs)

model = AttnReadoutGNN()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

for epoch in range(4):
    model.train()
    running = []
    for batch in train_loader:
        loss = F.mse_loss(model(batch), batch["y"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running.append(loss.item())
    model.eval()
    with torch.no_grad():
        val = [F.l1_loss(model(b), b["y"], reduction="sum").item() for b in val_loader]
    print(f"epoch {epoch}: train mse {np.mean(running):.3f}  val mae {sum(val) / (len(molecules) - split):.3f}")
