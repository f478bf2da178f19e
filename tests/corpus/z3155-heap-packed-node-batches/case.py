import heapq
import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

ELEMENTS = ["C", "N", "O", "S", "F", "Cl", "Br"]
ELEM_IDX = {e: i for i, e in enumerate(ELEMENTS)}
VALENCE = {"C": 4, "N": 3, "O": 2, "S": 2, "F": 1, "Cl": 1, "Br": 1}
BOND_ORDER = {1: 0, 2: 1, 3: 2}
NODE_BUDGET = 120


@dataclass
class MolGraph:
    atoms: list
    edges: list
    y: float


@dataclass
class AtomBin:
    members: list = field(default_factory=list)
    n_nodes: int = 0


def grow_molecule(n_heavy):
    atoms, edges = ["C"], []
    free = {0: VALENCE["C"]}
    while len(atoms) < n_heavy:
        anchors = [i for i, v in free.items() if v > 0]
        if not anchors:
            break
        a = random.choice(anchors)
        el = random.choices(ELEMENTS, weights=[10, 3, 3, 1, 1, 1, 0.5])[0]
        order = 1
        if VALENCE[el] >= 2 and free[a] >= 2 and random.random() < 0.2:
            order = 2
        atoms.append(el)
        b = len(atoms) - 1
        free[a] -= order
        free[b] = VALENCE[el] - order
        edges.append((a, b, order))
    polar = sum(e in ("N", "O") for e in atoms)
    halo = sum(e in ("F", "Cl", "Br") for e in atoms)
    y = 0.8 * polar - 0.5 * halo - 0.15 * len(atoms) + random.gauss(0, 0.2)
    return MolGraph(atoms, edges, y)


def tensorize(mol):
    x = torch.tensor([ELEM_IDX[a] for a in mol.atoms])
    src = [a for a, b, _ in mol.edges] + [b for a, b, _ in mol.edges]
    dst = [b for a, b, _ in mol.edges] + [a for a, b, _ in mol.edges]
    et = [BOND_ORDER[o] for _, _, o in mol.edges] * 2
    return x, torch.tensor([src, dst], dtype=torch.long).view(2, -1), torch.tensor(et, dtype=torch.long)


def pack_by_nodes(mols, budget):
    total = sum(len(m.atoms) for m in mols)
    n_bins = math.ceil(total / budget) + 1
    heap = [(0, AtomBin()) for _ in range(n_bins)]
    heapq.heapify(heap)
    for m in sorted(mols, key=lambda m: -len(m.atoms)):
        load, bin_ = heapq.heappop(heap)
        bin_.members.append(m)
        bin_.n_nodes += len(m.atoms)
        heapq.heappush(heap, (bin_.n_nodes, bin_))
    return [b.members for _, b in heap if b.members]


def iterate_batches(bins):
    for members in bins:
        parts = [tensorize(m) for m in members]
        offsets = np.cumsum([0] + [p[0].numel() for p in parts])[:-1]
        yield {
            "x": torch.cat([p[0] for p in parts]),
            "edge_index": torch.cat([p[1] + int(o) for p, o in zip(parts, offsets)], dim=1),
            "edge_type": torch.cat([p[2] for p in parts]),
            "graph_id": torch.cat([torch.full((p[0].numel(),), g) for g, p in enumerate(parts)]),
            "n_graphs": len(parts),
            "y": torch.tensor([m.y for m in members], dtype=torch.float),
        }


class GIN(nn.Module):
    def __init__(self, dim=40, depth=3):
        super().__init__()
        self.atom = nn.Embedding(len(ELEMENTS), dim)
        self.bond = nn.Embedding(len(BOND_ORDER), dim)
        self.eps = nn.Parameter(torch.zeros(depth))
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(dim, dim), nn.BatchNorm1d(dim), nn.ReLU(), nn.Linear(dim, dim))
            for _ in range(depth)
        )
        self.head = nn.Linear(dim * (depth + 1), 1)

    def forward(self, b):
        h = self.atom(b["x"])
        src, dst = b["edge_index"]
        readouts = [torch.zeros(b["n_graphs"], h.size(1)).index_add_(0, b["graph_id"], h)]
        for k, mlp in enumerate(self.mlps):
            msg = torch.relu(h[src] + self.bond(b["edge_type"]))
            agg = torch.zeros_like(h).index_add_(0, dst, msg)
            h = mlp((1 + self.eps[k]) * h + agg)
            readouts.append(torch.zeros(b["n_graphs"], h.size(1)).index_add_(0, b["graph_id"], h))
        return self.head(torch.cat(readouts, dim=-1)).squeeze(-1)


library = [grow_molecule(random.randint(3, 25)) for _ in range(300)]
cut = int(0.85 * len(library))
train_mols, valid_mols = library[:cut], library[cut:]

model = GIN()
optim = torch.optim.Adam(model.parameters(), lr=5e-3)


def run_epoch(mols, train):
    model.train(train)
    sq_err, n = 0.0, 0
    with torch.set_grad_enabled(train):
        for batch in iterate_batches(pack_by_nodes(mols, NODE_BUDGET)):
            pred = model(batch)
            loss = ((pred - batch["y"]) ** 2).mean()
            if train:
                optim.zero_grad()
                loss.backward()
                optim.step()
            sq_err += loss.item() * batch["n_graphs"]
            n += batch["n_graphs"]
    return math.sqrt(sq_err / n)


for epoch in range(5):
    random.shuffle(train_mols)
    tr = run_epoch(train_mols, True)
    va = run_epoch(valid_mols, False)
    print(f"epoch {epoch}  train rmse {tr:.3f}  valid rmse {va:.3f}")
