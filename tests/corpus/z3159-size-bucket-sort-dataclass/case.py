import random
from dataclasses import dataclass
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

ATOM_VOCAB = {"C": 0, "N": 1, "O": 2, "S": 3, "F": 4, "Cl": 5, "Br": 6}
BOND_VOCAB = {"-": 0, "=": 1, "#": 2, ":": 3}

RAW = """CCO,1
CC(=O)O,1
c1ccccc1,0
CC(=O)Oc1ccccc1C(=O)O,1
CCN(CC)CC,0
C1CCOC1,1
c1ccncc1,1
CC#N,0
OCC(O)CO,1
CCOC(=O)C,0
CSC,0
Cc1ccccc1O,1
NC(=O)c1ccccc1,1
CC(C)Br,0
ClCCl,0
c1ccc(F)cc1,0
C1CCNCC1,1
FC(F)F,0
O=C(O)CCc1ccccc1,1
CCCCN,1
c1ccsc1,0
CC(C)(C)O,1"""


@dataclass
class MolGraph:
    smiles: str
    atoms: List[int]
    aromatic: List[bool]
    bonds: List[Tuple[int, int, int]]
    label: float


def tokenize_smiles(smi):
    out, i = [], 0
    while i < len(smi):
        two = smi[i:i + 2]
        if two in ("Cl", "Br"):
            out.append(two)
            i += 2
        else:
            out.append(smi[i])
            i += 1
    return out


def to_graph(smi, label):
    atoms, arom, bonds = [], [], []
    stack, rings, prev, order = [], {}, None, None
    for tok in tokenize_smiles(smi):
        if tok == "(":
            stack.append(prev)
        elif tok == ")":
            prev = stack.pop()
        elif tok in ("=", "#"):
            order = tok
        elif tok.isdigit():
            if tok in rings:
                j = rings.pop(tok)
                bt = order or (":" if arom[j] and arom[prev] else "-")
                bonds.append((j, prev, BOND_VOCAB[bt]))
            else:
                rings[tok] = prev
            order = None
        else:
            atoms.append(ATOM_VOCAB[tok.capitalize()])
            arom.append(tok.islower())
            cur = len(atoms) - 1
            if prev is not None:
                bt = order or (":" if arom[prev] and arom[cur] else "-")
                bonds.append((prev, cur, BOND_VOCAB[bt]))
            prev, order = cur, None
    return MolGraph(smi, atoms, arom, bonds, float(label))


def size_bucketed_batches(graphs, batch_size):
    by_size = sorted((len(g.atoms), g) for g in graphs)
    chunks = [[g for _, g in by_size[k:k + batch_size]] for k in range(0, len(by_size), batch_size)]
    random.shuffle(chunks)
    yield from chunks


def pack(graphs):
    x, arom, src, dst, etype, batch, y = [], [], [], [], [], [], []
    base = 0
    for gi, g in enumerate(graphs):
        x += g.atoms
        arom += g.aromatic
        for a, b, t in g.bonds:
            src += [a + base, b + base]
            dst += [b + base, a + base]
            etype += [t, t]
        batch += [gi] * len(g.atoms)
        y.append(g.label)
        base += len(g.atoms)
    return (
        torch.tensor(x),
        torch.tensor(arom, dtype=torch.float32).unsqueeze(1),
        torch.tensor([src, dst]),
        torch.tensor(etype),
        torch.tensor(batch),
        torch.tensor(y),
    )


class MPNN(nn.Module):
    def __init__(self, dim=40, rounds=3):
        super().__init__()
        self.atom_embed = nn.Embedding(len(ATOM_VOCAB), dim - 1)
        self.edge_gate = nn.Embedding(len(BOND_VOCAB), dim)
        self.rounds = nn.ModuleList(nn.Linear(2 * dim, dim) for _ in range(rounds))
        self.out = nn.Linear(2 * dim, 1)

    def forward(self, x, arom, edge_index, etype, batch, n_graphs):
        h = torch.cat([self.atom_embed(x), arom], dim=1)
        src, dst = edge_index
        for lin in self.rounds:
            msg = h[src] * torch.sigmoid(self.edge_gate(etype))
            agg = torch.zeros_like(h).index_add(0, dst, msg)
            h = F.gelu(lin(torch.cat([h, agg], dim=1))) + h
        mean_pool = torch.zeros(n_graphs, h.shape[1]).index_add(0, batch, h)
        mean_pool = mean_pool / torch.bincount(batch, minlength=n_graphs).unsqueeze(1)
        max_pool = torch.full((n_graphs, h.shape[1]), -1e9).scatter_reduce(0, batch.unsqueeze(1).expand_as(h), h, "amax")
        return self.out(torch.cat([mean_pool, max_pool], dim=1)).squeeze(1)


rows = [line.split(",") for line in RAW.splitlines()]
dataset = [to_graph(smi, lab) for smi, lab in rows]
model = MPNN()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(5):
    epoch_loss, n = 0.0, 0
    for chunk in size_bucketed_batches(dataset, batch_size=4):
        x, arom, ei, et, b, y = pack(chunk)
        logits = model(x, arom, ei, et, b, len(chunk))
        loss = F.binary_cross_entropy_with_logits(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(chunk)
        n += len(chunk)
    print(f"epoch {epoch}: bce {epoch_loss / n:.4f}")
