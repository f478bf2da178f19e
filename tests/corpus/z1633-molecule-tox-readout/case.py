"""
Toy toxicity classifier on small random molecules.
Atoms -> one-hot element + degree, bonds -> edge list, GIN-style layers,
per-molecule mean readout over a disjoint-union minibatch.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(1)
torch.manual_seed(1)

ELEMENTS = ["C", "N", "O", "S", "F", "Cl"]
MAX_DEG = 4
N_MOLS = 50
BATCH_SIZE = 16
HID = 48


def random_molecule():
    n_atoms = random.randint(5, 14)
    atoms = random.choices(ELEMENTS, weights=[10, 3, 3, 1, 1, 1], k=n_atoms)
    bonds = [(i, random.randrange(i)) for i in range(1, n_atoms)]      # spanning tree
    if n_atoms > 5 and random.random() < 0.5:                          # one ring closure
        bonds.append((n_atoms - 1, n_atoms - 5))
    # "toxic" if it carries a halogen next to a nitrogen-containing scaffold
    toxic = int(any(a in ("Cl", "F") for a in atoms) and "N" in atoms)
    return {"atoms": atoms, "bonds": bonds, "toxic": toxic}


def featurize(mol):
    n = len(mol["atoms"])
    deg = [0] * n
    for a, b in mol["bonds"]:
        deg[a] += 1
        deg[b] += 1
    x = torch.zeros(n, len(ELEMENTS) + MAX_DEG + 1)
    for i, (sym, d) in enumerate(zip(mol["atoms"], deg)):
        x[i, ELEMENTS.index(sym)] = 1.0
        x[i, len(ELEMENTS) + min(d, MAX_DEG)] = 1.0
    bonds = torch.tensor(mol["bonds"], dtype=torch.long).t()
    edge_index = torch.cat([bonds, bonds.flip(0)], dim=1)
    return x, edge_index


def collate(mols):
    xs, eis, ptr = [], [], [0]
    for m in mols:
        x, ei = featurize(m)
        xs.append(x)
        eis.append(ei + ptr[-1])
        ptr.append(ptr[-1] + x.size(0))
    y = torch.tensor([m["toxic"] for m in mols], dtype=torch.float)
    return torch.cat(xs), torch.cat(eis, dim=1), torch.tensor(ptr), y


class GINLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(d_in, d_out), nn.ReLU(), nn.Linear(d_out, d_out))

    def forward(self, h, edge_index):
        src, dst = edge_index
        agg = torch.zeros_like(h).index_add_(0, dst, h[src])
        return self.mlp((1 + self.eps) * h + agg)


def graph_readout(h, ptr, n_graphs):
    pooled = []
    for g in range(n_graphs):
        start, end = ptr[g], ptr[g + 1]
        pooled.append(h[start:end].mean(dim=0))
    return torch.stack(pooled)


class ToxGIN(nn.Module):
    def __init__(self, d_atom, d_hid, n_layers=3):
        super().__init__()
        self.embed = nn.Linear(d_atom, d_hid)
        self.layers = nn.ModuleList(GINLayer(d_hid, d_hid) for _ in range(n_layers))
        self.clf = nn.Sequential(nn.Linear(d_hid, d_hid), nn.ReLU(), nn.Linear(d_hid, 1))

    def forward(self, x, edge_index, ptr):
        h = self.embed(x)
        for layer in self.layers:
            h = F.relu(layer(h, edge_index)) + h
        hg = graph_readout(h, ptr, BATCH_SIZE)
        return self.clf(hg).squeeze(-1)


def main():
    dataset = [random_molecule() for _ in range(N_MOLS)]
    print(f"{N_MOLS} molecules, {sum(m['toxic'] for m in dataset)} toxic")
    d_atom = len(ELEMENTS) + MAX_DEG + 1

    model = ToxGIN(d_atom, HID)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(1, 6):
        random.shuffle(dataset)
        model.train()
        tot_loss, correct = 0.0, 0
        for i in range(0, N_MOLS, BATCH_SIZE):
            x, edge_index, ptr, y = collate(dataset[i:i + BATCH_SIZE])
            logits = model(x, edge_index, ptr)
            loss = F.binary_cross_entropy_with_logits(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot_loss += loss.item() * y.numel()
            correct += ((logits > 0).float() == y).sum().item()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  loss {tot_loss / N_MOLS:.4f}  acc {correct / N_MOLS:.3f}")


if __name__ == "__main__":
    main()
