import random
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

ATOM_VOCAB = ["C", "N", "O", "F", "S", "Cl"]
BOND_VOCAB = ["single", "double", "triple", "aromatic"]
HIDDEN = 16


def random_molecule(rng):
    n = rng.randint(5, 14)
    atoms = [rng.choice(ATOM_VOCAB[:4]) if i else "C" for i in range(n)]
    bonds = []
    for i in range(1, n):
        j = rng.randint(0, i - 1)
        bonds.append((j, i, rng.choice(BOND_VOCAB[:2])))
    if n > 6 and rng.random() < 0.5:
        bonds.append((0, n - 1, "single"))
    logp = 0.3 * atoms.count("C") - 0.5 * atoms.count("O") - 0.4 * atoms.count("N") + rng.gauss(0, 0.1)
    return {"atoms": atoms, "bonds": bonds, "logp": logp}


def featurize_atom(symbol, degree):
    onehot = [1.0 if symbol == a else 0.0 for a in ATOM_VOCAB]
    deg = [1.0 if degree == d else 0.0 for d in range(5)]
    return onehot + deg


class MoleculeDataset(Dataset):
    def __init__(self, mols):
        self.mols = mols

    def __len__(self):
        return len(self.mols)

    def __getitem__(self, idx):
        mol = self.mols[idx]
        degree = [0] * len(mol["atoms"])
        src, dst, btype = [], [], []
        for i, j, b in mol["bonds"]:
            degree[i] += 1
            degree[j] += 1
            src += [i, j]
            dst += [j, i]
            btype += [BOND_VOCAB.index(b)] * 2
        x = torch.tensor([featurize_atom(a, min(d, 4)) for a, d in zip(mol["atoms"], degree)])
        edge_index = torch.tensor([src, dst], dtype=torch.long)
        edge_type = torch.tensor(btype, dtype=torch.long)
        y = torch.tensor([mol["logp"]], dtype=torch.float)
        return x, edge_index, edge_type, y


def collate_graphs(samples):
    xs, eis, ets, ys, batch = [], [], [], [], []
    offset = 0
    for g, (x, ei, et, y) in enumerate(samples):
        xs.append(x)
        eis.append(ei + offset)
        ets.append(et)
        ys.append(y)
        batch.append(torch.full((x.size(0),), g, dtype=torch.long))
        offset += x.size(0)
    return torch.cat(xs), torch.cat(eis, dim=1), torch.cat(ets), torch.cat(ys), torch.cat(batch)


class MPNNLayer(nn.Module):
    def __init__(self, dim, n_bond_types):
        super().__init__()
        self.bond_emb = nn.Embedding(n_bond_types, dim)
        self.msg = nn.Linear(dim, dim)
        self.upd = nn.GRUCell(dim, dim)

    def forward(self, h, edge_index, edge_type):
        src, dst = edge_index
        m = torch.relu(self.msg(h[src] + self.bond_emb(edge_type)))
        agg = torch.zeros_like(h).index_add_(0, dst, m)
        return self.upd(agg, h)


class MolRegressor(nn.Module):
    def __init__(self, in_dim, dim, n_layers=3):
        super().__init__()
        self.embed = nn.Linear(in_dim, dim)
        self.layers = nn.ModuleList([MPNNLayer(dim, len(BOND_VOCAB)) for _ in range(n_layers)])
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))

    def forward(self, x, edge_index, edge_type, batch):
        h = self.embed(x)
        for layer in self.layers:
            h = layer(h, edge_index, edge_type)
        n_graphs = int(batch.max()) + 1
        pooled = torch.zeros(n_graphs, h.size(1)).index_add_(0, batch, h)
        counts = torch.bincount(batch, minlength=n_graphs).clamp(min=1).unsqueeze(1)
        return self.head(pooled / counts).squeeze(-1)


def main():
    rng = random.Random(11)
    mols = [random_molecule(rng) for _ in range(120)]
    train_set = MoleculeDataset(mols[:96])
    val_set = MoleculeDataset(mols[96:])

    train_loader = DataLoader(train_set, batch_size=16, shuffle=True, collate_fn=collate_graphs)
    val_loader = DataLoader(val_set, batch_size=16, collate_fn=collate_graphs)

    in_dim = len(ATOM_VOCAB) + 5
    model = MolRegressor(in_dim, HIDDEN)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.MSELoss()

    for epoch in range(3):
        model.train()
        total = 0.0
        for x, ei, et, y, batch in train_loader:
            opt.zero_grad()
            pred = model(x, ei, et, batch)
            loss = loss_fn(pred, y)
            loss.backward()
            opt.step()
            total += loss.item() * y.numel()
        train_mse = total / len(train_set)

        model.eval()
        sq_err, n = 0.0, 0
        with torch.no_grad():
            for x, ei, et, y, batch in val_loader:
                pred = model(x, ei, et, batch)
                sq_err += ((pred - y) ** 2).sum().item()
                n += y.numel()
        print(f"epoch {epoch}: train mse {train_mse:.4f}  val rmse {(sq_err / n) ** 0.5:.4f}")


if __name__ == "__main__":
    main()
