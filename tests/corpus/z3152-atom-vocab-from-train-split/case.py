import random
import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

ORGANIC = ["Cl", "Br", "C", "N", "O", "S", "F", "c", "n", "o"]
BOND_SYMBOLS = {"-": 0, "=": 1, "#": 2, ":": 3}


def parse_smiles(smi):
    atoms, bonds = [], []
    stack, rings = [], {}
    prev, pending = None, "-"
    i = 0
    while i < len(smi):
        ch = smi[i]
        if ch == "(":
            stack.append(prev)
        elif ch == ")":
            prev = stack.pop()
        elif ch in BOND_SYMBOLS:
            pending = ch
        elif ch.isdigit():
            if ch in rings:
                j, b = rings.pop(ch)
                bonds.append((j, prev, b))
            else:
                rings[ch] = (prev, pending)
            pending = "-"
        else:
            sym = smi[i:i + 2] if smi[i:i + 2] in ORGANIC else ch
            i += len(sym) - 1
            atoms.append(sym)
            idx = len(atoms) - 1
            if prev is not None:
                b = ":" if sym.islower() and atoms[prev].islower() else pending
                bonds.append((prev, idx, b))
            prev, pending = idx, "-"
        i += 1
    return atoms, bonds


def random_smiles(rng, allow_halogen):
    frags = ["C", "CC", "C(=O)O", "CN", "c1ccccc1", "CO", "C#N", "CS", "N", "O"]
    if allow_halogen:
        frags += ["CCl", "CBr", "CF"]
    return "".join(rng.choice(frags) for _ in range(rng.randint(2, 5)))


rng = random.Random(1)
train_smiles = [random_smiles(rng, allow_halogen=False) for _ in range(120)]
test_smiles = [random_smiles(rng, allow_halogen=True) for _ in range(40)]
train_y = [0.3 * s.count("O") - 0.1 * len(s) for s in train_smiles]
test_y = [0.3 * s.count("O") - 0.1 * len(s) for s in test_smiles]

atom_vocab = {}
for smi in train_smiles:
    for a in parse_smiles(smi)[0]:
        atom_vocab.setdefault(a, len(atom_vocab))
UNK_ATOM = len(atom_vocab)


def featurize(smi):
    atoms, bonds = parse_smiles(smi)
    x = torch.tensor([atom_vocab.get(a, UNK_ATOM) for a in atoms], dtype=torch.long)
    src = [i for i, j, _ in bonds] + [j for i, j, _ in bonds]
    dst = [j for i, j, _ in bonds] + [i for i, j, _ in bonds]
    btype = [BOND_SYMBOLS[b] for _, _, b in bonds] * 2
    return x, torch.tensor([src, dst], dtype=torch.long), torch.tensor(btype, dtype=torch.long)


def collate(graphs):
    xs, eis, eas, batch = [], [], [], []
    offset = 0
    for g, (x, ei, ea) in enumerate(graphs):
        xs.append(x)
        eis.append(ei + offset)
        eas.append(ea)
        batch.append(torch.full((x.numel(),), g, dtype=torch.long))
        offset += x.numel()
    return torch.cat(xs), torch.cat(eis, dim=1), torch.cat(eas), torch.cat(batch)


class MPNN(nn.Module):
    def __init__(self, n_atom_types, n_bond_types, dim=64, steps=3):
        super().__init__()
        self.atom_emb = nn.Embedding(n_atom_types, dim)
        self.bond_emb = nn.Embedding(n_bond_types, dim)
        self.msg = nn.ModuleList([nn.Linear(2 * dim, dim) for _ in range(steps)])
        self.upd = nn.ModuleList([nn.GRUCell(dim, dim) for _ in range(steps)])
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))

    def forward(self, x, edge_index, edge_attr, batch, n_graphs):
        h = self.atom_emb(x)
        e = self.bond_emb(edge_attr)
        src, dst = edge_index
        for lin, gru in zip(self.msg, self.upd):
            m = torch.relu(lin(torch.cat([h[src], e], dim=-1)))
            agg = torch.zeros_like(h).index_add_(0, dst, m)
            h = gru(agg, h)
        pooled = torch.zeros(n_graphs, h.size(1)).index_add_(0, batch, h)
        counts = torch.bincount(batch, minlength=n_graphs).clamp(min=1).unsqueeze(1)
        return self.head(pooled / counts).squeeze(-1)


model = MPNN(len(atom_vocab), len(BOND_SYMBOLS))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
train_graphs = [featurize(s) for s in train_smiles]
test_graphs = [featurize(s) for s in test_smiles]

BS = 16
for epoch in range(3):
    order = list(range(len(train_graphs)))
    random.shuffle(order)
    total = 0.0
    for k in range(0, len(order), BS):
        idx = order[k:k + BS]
        x, ei, ea, batch = collate([train_graphs[i] for i in idx])
        y = torch.tensor([train_y[i] for i in idx])
        pred = model(x, ei, ea, batch, len(idx))
        loss = nn.functional.mse_loss(pred, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch} train mse {total / len(order):.4f}")

model.eval()
with torch.no_grad():
    errs = []
    for k in range(0, len(test_graphs), BS):
        chunk = test_graphs[k:k + BS]
        x, ei, ea, batch = collate(chunk)
        pred = model(x, ei, ea, batch, len(chunk))
        errs.append((pred - torch.tensor(test_y[k:k + BS])).abs())
    print("test mae", torch.cat(errs).mean().item())
