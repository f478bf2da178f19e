import random
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

TRAIN_SMILES = [
    "CCO", "CC(=O)O", "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O", "CCN(CC)CC",
    "C1CCOC1", "c1ccncc1", "CC#N", "OCC(O)CO", "CCOC(=O)C", "CSC", "Cc1ccccc1O",
    "NC(=O)c1ccccc1", "CC(C)O", "O=C(O)CCc1ccccc1", "CCCCN", "C1CCNCC1", "CS(=O)C",
]
VALID_SMILES = ["CC(C)Br", "ClCCl", "c1ccc(F)cc1", "CCOCC", "OC(=O)CCl", "FC(F)F"]

BOND_TYPES = {"SINGLE": 0, "DOUBLE": 1, "TRIPLE": 2, "AROMATIC": 3}


def parse_smiles(smi):
    atoms, aromatic, bonds = [], [], []
    branch_stack, open_rings = [], {}
    prev, pending = None, None
    i = 0
    while i < len(smi):
        ch = smi[i]
        if ch == "(":
            branch_stack.append(prev)
        elif ch == ")":
            prev = branch_stack.pop()
        elif ch in "=#":
            pending = "DOUBLE" if ch == "=" else "TRIPLE"
        elif ch.isdigit():
            if ch in open_rings:
                j = open_rings.pop(ch)
                bt = pending or ("AROMATIC" if aromatic[j] and aromatic[prev] else "SINGLE")
                bonds.append((j, prev, bt))
            else:
                open_rings[ch] = prev
            pending = None
        else:
            sym = smi[i:i + 2] if smi[i:i + 2] in ("Cl", "Br") else ch
            i += len(sym) - 1
            idx = len(atoms)
            atoms.append(sym.capitalize())
            aromatic.append(sym.islower())
            if prev is not None:
                bt = pending or ("AROMATIC" if aromatic[prev] and aromatic[idx] else "SINGLE")
                bonds.append((prev, idx, bt))
            prev, pending = idx, None
        i += 1
    return atoms, bonds


def build_atom_vocab(smiles_list):
    symbols = set()
    for s in smiles_list:
        symbols.update(parse_smiles(s)[0])
    return {sym: k for k, sym in enumerate(sorted(symbols))}


atom_vocab = build_atom_vocab(TRAIN_SMILES)
UNK_IDX = len(atom_vocab)
MASK_IDX = len(atom_vocab) + 1


def featurize(smi):
    atoms, bonds = parse_smiles(smi)
    x = torch.tensor([atom_vocab.get(a, UNK_IDX) for a in atoms], dtype=torch.long)
    src = [b[0] for b in bonds] + [b[1] for b in bonds]
    dst = [b[1] for b in bonds] + [b[0] for b in bonds]
    btype = [BOND_TYPES[b[2]] for b in bonds] * 2
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


class MaskedAtomGNN(nn.Module):
    def __init__(self, n_atom_types, n_bond_types, hidden=48, n_layers=3):
        super().__init__()
        self.atom_emb = nn.Embedding(n_atom_types + 2, hidden)
        self.bond_emb = nn.ModuleList(nn.Embedding(n_bond_types, hidden) for _ in range(n_layers))
        self.updates = nn.ModuleList(
            nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
            for _ in range(n_layers)
        )
        self.head = nn.Linear(hidden, n_atom_types + 1)

    def forward(self, x, edge_index, edge_attr):
        h = self.atom_emb(x)
        src, dst = edge_index
        for bond_emb, upd in zip(self.bond_emb, self.updates):
            msg = F.relu(h[src] + bond_emb(edge_attr))
            agg = torch.zeros_like(h).index_add_(0, dst, msg)
            h = h + upd(torch.cat([h, agg], dim=-1))
        return self.head(h)


def mask_atoms(x, rate=0.25):
    m = torch.rand(x.shape) < rate
    if not m.any():
        m[torch.randint(len(x), (1,))] = True
    corrupted = x.clone()
    corrupted[m] = MASK_IDX
    return corrupted, m


def batches(data, size, shuffle):
    order = list(range(len(data)))
    if shuffle:
        random.shuffle(order)
    for k in range(0, len(order), size):
        yield collate([data[j] for j in order[k:k + size]])


train_graphs = [featurize(s) for s in TRAIN_SMILES]
valid_graphs = [featurize(s) for s in VALID_SMILES]

model = MaskedAtomGNN(len(atom_vocab), len(BOND_TYPES))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(4):
    model.train()
    total = 0.0
    for x, ei, ea, batch in batches(train_graphs, 6, shuffle=True):
        x_in, m = mask_atoms(x)
        logits = model(x_in, ei, ea)
        loss = F.cross_entropy(logits[m], x[m])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()

    model.eval()
    correct, seen, vloss = 0, 0, 0.0
    with torch.no_grad():
        for x, ei, ea, batch in batches(valid_graphs, 3, shuffle=False):
            x_in, m = mask_atoms(x, rate=0.5)
            logits = model(x_in, ei, ea)
            vloss += F.cross_entropy(logits[m], x[m], reduction="sum").item()
            correct += (logits[m].argmax(-1) == x[m]).sum().item()
            seen += int(m.sum())
    print(f"epoch {epoch} train {total:.3f} valid {vloss / seen:.3f} acc {correct / seen:.2f}")
