import math
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

ELEMENTS = ["C", "N", "O", "S", "F"]
ELEM_TO_IDX = {e: i for i, e in enumerate(ELEMENTS)}
BOND_ORDERS = {1: 0, 2: 1, 3: 2, 4: 3}


def write_molblock(n_atoms):
    lines = ["", "  synthetic", ""]
    bonds = []
    for i in range(2, n_atoms + 1):
        bonds.append((int(rng.integers(1, i)), i, int(rng.choice([1, 1, 1, 2, 4]))))
    lines.append(f"{n_atoms:3d}{len(bonds):3d}  0  0  0  0  0  0  0  0999 V2000")
    for _ in range(n_atoms):
        x, y, z = rng.normal(size=3)
        el = ELEMENTS[int(rng.choice(len(ELEMENTS), p=[0.6, 0.15, 0.15, 0.05, 0.05]))]
        lines.append(f"{x:10.4f}{y:10.4f}{z:10.4f} {el:<3} 0  0  0  0  0  0  0  0  0  0  0  0")
    for a, b, order in bonds:
        lines.append(f"{a:3d}{b:3d}{order:3d}  0")
    lines.append("M  END")
    return "\n".join(lines)


@dataclass
class Molecule:
    elements: List[str] = field(default_factory=list)
    coords: List[List[float]] = field(default_factory=list)
    bonds: List[tuple] = field(default_factory=list)
    target: float = 0.0


def parse_molblock(text):
    rows = text.splitlines()
    counts = rows[3]
    n_atoms, n_bonds = int(counts[0:3]), int(counts[3:6])
    mol = Molecule()
    for row in rows[4:4 + n_atoms]:
        mol.coords.append([float(row[0:10]), float(row[10:20]), float(row[20:30])])
        mol.elements.append(row[31:34].strip())
    for row in rows[4 + n_atoms:4 + n_atoms + n_bonds]:
        begin_atom = int(row[0:3])
        end_atom = int(row[3:6])
        order = int(row[6:9])
        mol.bonds.append((begin_atom, end_atom, order))
    return mol


def fake_property(mol):
    hetero = sum(e != "C" for e in mol.elements)
    return math.log1p(len(mol.elements)) - 0.2 * hetero


def to_graph(mol):
    z = torch.tensor([ELEM_TO_IDX[e] for e in mol.elements], dtype=torch.long)
    pairs = [(a, b) for a, b, _ in mol.bonds] + [(b, a) for a, b, _ in mol.bonds]
    edge_index = torch.tensor(pairs, dtype=torch.long).t().contiguous()
    bond_type = torch.tensor([BOND_ORDERS[o] for _, _, o in mol.bonds] * 2, dtype=torch.long)
    return {"z": z, "edge_index": edge_index, "bond_type": bond_type,
            "y": torch.tensor(mol.target, dtype=torch.float)}


def batch_graphs(graphs):
    z, ei, bt, batch_vec, ys = [], [], [], [], []
    shift = 0
    for gi, g in enumerate(graphs):
        n = g["z"].numel()
        z.append(g["z"])
        ei.append(g["edge_index"] + shift)
        bt.append(g["bond_type"])
        batch_vec.append(torch.full((n,), gi, dtype=torch.long))
        ys.append(g["y"])
        shift += n
    return {"z": torch.cat(z), "edge_index": torch.cat(ei, 1), "bond_type": torch.cat(bt),
            "batch": torch.cat(batch_vec), "y": torch.stack(ys)}


class EdgeConv(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.edge_net = nn.Embedding(len(BOND_ORDERS), dim * dim)
        self.root = nn.Linear(dim, dim)
        self.dim = dim

    def forward(self, h, edge_index, bond_type):
        src, dst = edge_index[0], edge_index[1]
        W = self.edge_net(bond_type).view(-1, self.dim, self.dim)
        msgs = torch.bmm(h[src].unsqueeze(1), W).squeeze(1)
        out = torch.zeros_like(h)
        out.index_add_(0, dst, msgs)
        return torch.relu(self.root(h) + out)


class NNConvNet(nn.Module):
    def __init__(self, dim=24, depth=3):
        super().__init__()
        self.atom_embedding = nn.Embedding(len(ELEMENTS), dim)
        self.convs = nn.ModuleList(EdgeConv(dim) for _ in range(depth))
        self.readout = nn.Linear(dim, 1)

    def forward(self, b):
        h = self.atom_embedding(b["z"])
        for conv in self.convs:
            h = conv(h, b["edge_index"], b["bond_type"])
        n_graphs = int(b["batch"].max().item()) + 1
        g = h.new_zeros(n_graphs, h.size(1)).index_add_(0, b["batch"], h)
        return self.readout(g).squeeze(-1)


def minibatches(graphs, size):
    order = rng.permutation(len(graphs))
    for start in range(0, len(order), size):
        yield batch_graphs([graphs[i] for i in order[start:start + size]])


def main():
    molblocks = [write_molblock(int(rng.integers(4, 15))) for _ in range(200)]
    mols = [parse_molblock(mb) for mb in molblocks]
    for m in mols:
        m.target = fake_property(m)
    graphs = [to_graph(m) for m in mols]

    model = NNConvNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
    for epoch in range(4):
        running = 0.0
        for b in minibatches(graphs, 32):
            optimizer.zero_grad()
            loss = nn.functional.l1_loss(model(b), b["y"])
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch} mae {running / math.ceil(len(graphs) / 32):.4f}")


if __name__ == "__main__":
    main()
