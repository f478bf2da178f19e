"""
Small molecular property classifier (polar vs. non-polar) with a hand-written
message-passing network. Molecules are given as heavy-atom lists + bond lists;
a mini-batch is one disconnected graph with a `mol_of_atom` vector for pooling.
"""
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)
torch.set_num_threads(1)   # tiny graphs, threading only adds overhead

# (atoms, bonds, label)  label 1 = polar
TRAIN_MOLS = [
    (["C", "C", "O"], [(0, 1), (1, 2)], 1),                   # ethanol
    (["C"], [], 0),                                          # methane
    (["C", "C"], [(0, 1)], 0),                               # ethane
    (["C", "C", "C"], [(0, 1), (1, 2)], 0),                  # propane
    (["C", "O"], [(0, 1)], 1),                               # methanol
    (["C", "C", "O", "O"], [(0, 1), (1, 2), (1, 3)], 1),     # acetic acid
    (["N"], [], 1),                                          # ammonia
    (["C", "N"], [(0, 1)], 1),                               # methylamine
    (["C", "C", "C", "C"], [(0, 1), (1, 2), (2, 3)], 0),     # butane
    (["C", "C", "N"], [(0, 1), (1, 2)], 1),                  # ethylamine
    (["C", "C", "C", "C", "C", "C"],
     [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0)], 0),   # cyclohexane
    (["O", "C", "O"], [(0, 1), (1, 2)], 0),                  # CO2
]
VAL_MOLS = [
    (["C", "Cl"], [(0, 1)], 1),                              # chloromethane
    (["C", "C", "C", "O"], [(0, 1), (1, 2), (2, 3)], 1),     # propanol
    (["C", "S", "C"], [(0, 1), (1, 2)], 1),                  # dimethyl sulfide
    (["C", "C", "C", "C", "C"], [(0, 1), (1, 2), (2, 3), (3, 4)], 0),  # pentane
]


def encode_molecule(atoms, bonds, atom_to_idx):
    atom_ids = [atom_to_idx.setdefault(a, len(atom_to_idx)) for a in atoms]
    src = [i for i, j in bonds] + [j for i, j in bonds]
    dst = [j for i, j in bonds] + [i for i, j in bonds]
    return torch.tensor(atom_ids), torch.tensor([src, dst], dtype=torch.long).view(2, -1)


def collate(mols):
    atom_ids, edges, mol_of_atom, labels = [], [], [], []
    offset = 0
    for k, (ids, bond_index, y) in enumerate(mols):
        atom_ids.append(ids)
        edges.append(bond_index + offset)
        mol_of_atom.append(torch.full((ids.numel(),), k, dtype=torch.long))
        labels.append(y)
        offset += ids.numel()
    return (torch.cat(atom_ids), torch.cat(edges, dim=1),
            torch.cat(mol_of_atom), torch.tensor(labels))


class MPNNLayer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.msg = nn.Linear(dim, dim)
        self.upd = nn.GRUCell(dim, dim)

    def forward(self, h, bond_index):
        src, dst = bond_index
        agg = torch.zeros_like(h).index_add(0, dst, self.msg(h)[src])
        return self.upd(agg, h)


class MoleculeNet(nn.Module):
    def __init__(self, num_atom_types, dim=32, n_layers=3):
        super().__init__()
        self.atom_emb = nn.Embedding(num_atom_types, dim)
        self.layers = nn.ModuleList([MPNNLayer(dim) for _ in range(n_layers)])
        self.readout = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 2))

    def forward(self, atom_ids, bond_index, mol_of_atom, n_mols):
        h = self.atom_emb(atom_ids)
        for layer in self.layers:
            h = layer(h, bond_index)
        pooled = torch.zeros(n_mols, h.size(1)).index_add(0, mol_of_atom, h)
        counts = torch.bincount(mol_of_atom, minlength=n_mols).clamp(min=1).unsqueeze(1)
        return self.readout(pooled / counts)


def main():
    atom_to_idx = {}
    train_set = [(*encode_molecule(a, b, atom_to_idx), y) for a, b, y in TRAIN_MOLS]
    print("atom types seen in training:", atom_to_idx)

    val_set = [(*encode_molecule(a, b, atom_to_idx), y) for a, b, y in VAL_MOLS]

    model = MoleculeNet(num_atom_types=len(atom_to_idx))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(3):
        random.shuffle(train_set)
        total = 0.0
        for start in range(0, len(train_set), 4):
            chunk = train_set[start:start + 4]
            atom_ids, bond_index, mol_of_atom, labels = collate(chunk)
            logits = model(atom_ids, bond_index, mol_of_atom, len(chunk))
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d}  train loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        atom_ids, bond_index, mol_of_atom, labels = collate(val_set)
        pred = model(atom_ids, bond_index, mol_of_atom, len(val_set)).argmax(-1)
    print("val accuracy:", (pred == labels).float().mean().item())


if __name__ == "__main__":
    main()
