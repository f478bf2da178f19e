import random
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

ATOM_SYMBOLS = ["C", "N", "O", "S", "Cl"]
BOND_SYMBOLS = ["-", "=", "#"]
atom2id = {s: i for i, s in enumerate(ATOM_SYMBOLS)}
bond2id = {s: i for i, s in enumerate(BOND_SYMBOLS)}

RING_TEMPLATES = ["C1CCCCC1", "C1CCNCC1", "C1CCOC1", "C1CCSC1", "C1CNCCN1", "C1COCCO1"]


def synth_molecule():
    ring = random.choice(RING_TEMPLATES)
    ring_atoms = [ch for ch in ring if ch.isalpha()]
    n_side = random.randint(1, 6)
    side = [random.choice(["C", "C", "N", "O", "Cl"]) for _ in range(n_side)]
    atoms = ring_atoms + side
    bonds = [(i, i + 1, "-") for i in range(len(ring_atoms) - 1)]
    bonds.append((len(ring_atoms) - 1, 0, "-"))
    prev = random.randrange(len(ring_atoms))
    for k in range(n_side):
        idx = len(ring_atoms) + k
        bonds.append((prev, idx, random.choice(["-", "-", "="])))
        prev = idx
    activity = 0.5 * side.count("N") - 0.3 * side.count("Cl") + 0.1 * len(ring_atoms) + random.gauss(0, 0.2)
    return {"ring": ring, "atoms": atoms, "bonds": bonds, "y": activity}


def murcko_key(mol):
    return mol["ring"]


def graph_tensors(mol):
    x = torch.tensor([atom2id[a] for a in mol["atoms"]])
    ei = [[a, b] for a, b, _ in mol["bonds"]] + [[b, a] for a, b, _ in mol["bonds"]]
    et = [bond2id[s] for _, _, s in mol["bonds"]] * 2
    return x, torch.tensor(ei).T, torch.tensor(et), torch.tensor(mol["y"])


def make_batch(mols):
    parts = [graph_tensors(m) for m in mols]
    sizes = torch.tensor([p[0].numel() for p in parts])
    offsets = torch.cumsum(sizes, 0) - sizes
    x = torch.cat([p[0] for p in parts])
    ei = torch.cat([p[1] + off for p, off in zip(parts, offsets)], dim=1)
    et = torch.cat([p[2] for p in parts])
    y = torch.stack([p[3] for p in parts]).float()
    gid = torch.repeat_interleave(torch.arange(len(parts)), sizes)
    return x, ei, et, gid, y


class GIN(nn.Module):
    def __init__(self, dim=32, layers=3):
        super().__init__()
        self.atom_emb = nn.Embedding(len(ATOM_SYMBOLS), dim)
        self.bond_embs = nn.ModuleList(nn.Embedding(len(BOND_SYMBOLS), dim) for _ in range(layers))
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim)) for _ in range(layers)
        )
        self.out = nn.Linear(dim, 1)

    def forward(self, x, ei, et, gid):
        h = self.atom_emb(x)
        for bond_emb, mlp in zip(self.bond_embs, self.mlps):
            msg = F.relu(h[ei[0]] + bond_emb(et))
            h = mlp(h + torch.zeros_like(h).index_add(0, ei[1], msg))
        n = int(gid.max()) + 1
        summed = torch.zeros(n, h.size(1)).index_add(0, gid, h)
        counts = torch.bincount(gid, minlength=n).unsqueeze(1).float()
        return self.out(summed / counts).squeeze(-1)


def scaffold_split(mols, frac_test=0.2):
    by_scaffold = defaultdict(list)
    for m in mols:
        by_scaffold[murcko_key(m)].append(m)
    unique_scaffolds = set(by_scaffold)
    n_test = max(1, int(round(frac_test * len(unique_scaffolds))))
    test_scaffolds = random.sample(unique_scaffolds, n_test)
    train = [m for s, ms in by_scaffold.items() if s not in test_scaffolds for m in ms]
    test = [m for s in test_scaffolds for m in by_scaffold[s]]
    return train, test


def evaluate(model, mols):
    model.eval()
    with torch.no_grad():
        x, ei, et, gid, y = make_batch(mols)
        return F.mse_loss(model(x, ei, et, gid), y).sqrt().item()


def main():
    mols = [synth_molecule() for _ in range(300)]
    train, test = scaffold_split(mols)
    print(f"{len(train)} train / {len(test)} test molecules")

    model = GIN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(5):
        model.train()
        random.shuffle(train)
        for i in range(0, len(train), 32):
            x, ei, et, gid, y = make_batch(train[i:i + 32])
            loss = F.mse_loss(model(x, ei, et, gid), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: test rmse {evaluate(model, test):.3f}")


if __name__ == "__main__":
    main()
