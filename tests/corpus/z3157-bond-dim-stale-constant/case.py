from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(7)
rng = np.random.default_rng(7)

ATOM_TYPES = ["C", "N", "O", "S", "F", "Cl", "Br"]
BOND_TYPES = ["-", "=", "#", ":"]
ATOM_DIM = len(ATOM_TYPES) + 2
BOND_DIM = len(BOND_TYPES)
HIDDEN = 32

SMILES = [
    "CCO", "CC(=O)O", "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O", "CCN(CC)CC", "C1CCOC1",
    "c1ccncc1", "CC#N", "OCC(O)CO", "CCOC(=O)C", "CSC", "Cc1ccccc1O", "NC(=O)c1ccccc1",
    "CC(C)Br", "ClCCl", "c1ccc(F)cc1", "C1CCNCC1", "FC(F)F", "O=C(O)CCc1ccccc1", "CCCCN",
]


@dataclass
class Molecule:
    smiles: str
    atoms: List[Tuple[str, bool]] = field(default_factory=list)
    bonds: List[Tuple[int, int, str, bool]] = field(default_factory=list)
    logp: float = 0.0


def parse(smiles):
    mol = Molecule(smiles)
    stack, rings = [], {}
    prev, order = None, None
    pos = 0
    while pos < len(smiles):
        tok = smiles[pos]
        if tok == "(":
            stack.append(prev)
        elif tok == ")":
            prev = stack.pop()
        elif tok in "=#":
            order = tok
        elif tok.isdigit():
            if tok in rings:
                other = rings.pop(tok)
                arom = mol.atoms[other][1] and mol.atoms[prev][1]
                mol.bonds.append((other, prev, order or (":" if arom else "-"), True))
            else:
                rings[tok] = prev
            order = None
        else:
            sym = smiles[pos:pos + 2] if smiles[pos:pos + 2] in ("Cl", "Br") else tok
            pos += len(sym) - 1
            mol.atoms.append((sym.capitalize(), sym.islower()))
            cur = len(mol.atoms) - 1
            if prev is not None:
                arom = mol.atoms[prev][1] and mol.atoms[cur][1]
                mol.bonds.append((prev, cur, order or (":" if arom else "-"), arom))
            prev, order = cur, None
        pos += 1
    return mol


def atom_features(atom, degree):
    sym, arom = atom
    onehot = [float(sym == t) for t in ATOM_TYPES]
    return onehot + [float(arom), degree / 4.0]


def bond_features(bond):
    _, _, order, in_ring = bond
    return [float(order == t) for t in BOND_TYPES] + [float(in_ring)]


class MolDataset(Dataset):
    def __init__(self, smiles_list):
        self.mols = [parse(s) for s in smiles_list]
        for m in self.mols:
            n_hetero = sum(a[0] != "C" for a in m.atoms)
            m.logp = 0.3 * len(m.atoms) - 0.9 * n_hetero + rng.normal(scale=0.1)

    def __len__(self):
        return len(self.mols)

    def __getitem__(self, i):
        m = self.mols[i]
        deg = [0] * len(m.atoms)
        for a, b, _, _ in m.bonds:
            deg[a] += 1
            deg[b] += 1
        x = torch.tensor([atom_features(a, d) for a, d in zip(m.atoms, deg)])
        pairs = [(a, b) for a, b, _, _ in m.bonds] + [(b, a) for a, b, _, _ in m.bonds]
        edge_index = torch.tensor(pairs, dtype=torch.long).t().reshape(2, -1)
        e = torch.tensor([bond_features(bd) for bd in m.bonds])
        return {"x": x, "edge_index": edge_index, "edge_attr": torch.cat([e, e]), "y": torch.tensor([m.logp])}


def graph_collate(items):
    out = {"x": [], "edge_index": [], "edge_attr": [], "batch": [], "y": []}
    n_seen = 0
    for gid, it in enumerate(items):
        n = it["x"].shape[0]
        out["x"].append(it["x"])
        out["edge_index"].append(it["edge_index"] + n_seen)
        out["edge_attr"].append(it["edge_attr"])
        out["batch"].append(torch.full((n,), gid, dtype=torch.long))
        out["y"].append(it["y"])
        n_seen += n
    return {k: torch.cat(v, dim=1 if k == "edge_index" else 0) for k, v in out.items()}


class EdgeConv(nn.Module):
    def __init__(self, hidden, edge_dim):
        super().__init__()
        self.msg = nn.Sequential(nn.Linear(hidden + edge_dim, hidden), nn.SiLU())
        self.upd = nn.GRUCell(hidden, hidden)

    def forward(self, h, edge_index, edge_attr):
        src, dst = edge_index
        m = self.msg(torch.cat([h[src], edge_attr], dim=-1))
        agg = torch.zeros_like(h).index_add_(0, dst, m)
        return self.upd(agg, h)


class LogPNet(nn.Module):
    def __init__(self, steps=3):
        super().__init__()
        self.lift = nn.Linear(ATOM_DIM, HIDDEN)
        self.convs = nn.ModuleList(EdgeConv(HIDDEN, BOND_DIM) for _ in range(steps))
        self.readout = nn.Sequential(nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))

    def forward(self, g):
        h = torch.relu(self.lift(g["x"]))
        for conv in self.convs:
            h = conv(h, g["edge_index"], g["edge_attr"])
        n_graphs = int(g["batch"].max()) + 1
        pooled = torch.zeros(n_graphs, HIDDEN).index_add_(0, g["batch"], h)
        counts = torch.bincount(g["batch"], minlength=n_graphs).clamp(min=1).unsqueeze(1)
        return self.readout(pooled / counts).squeeze(-1)


ds = MolDataset(SMILES)
loader = DataLoader(ds, batch_size=5, shuffle=True, collate_fn=graph_collate)
net = LogPNet()
optim = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
loss_fn = nn.MSELoss()

for epoch in range(10):
    running = []
    for g in loader:
        pred = net(g)
        loss = loss_fn(pred, g["y"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        running.append(loss.item())
    print(f"epoch {epoch:02d}  mse {np.mean(running):.4f}")
