"""
Toy molecular property prediction (solubility-ish binary label) with a hand-written
GIN-style network and jumping-knowledge readout. No PyG on the cluster, so batching
and pooling are done manually with index_add_.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

ATOM_VOCAB = ["C", "N", "O", "F", "S", "Cl"]
ATOM2IDX = {a: i for i, a in enumerate(ATOM_VOCAB)}

# (atoms, bonds, label) -- small hand-drawn molecules, bonds are undirected
MOLECULES = [
    (["C", "C", "O"], [(0, 1), (1, 2)], 1),                                   # ethanol
    (["C", "C", "C", "C", "C", "C"], [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0)], 0),  # cyclohexane
    (["C", "N", "C", "O"], [(0, 1), (1, 2), (2, 3)], 1),
    (["C", "Cl", "Cl", "Cl"], [(0, 1), (0, 2), (0, 3)], 0),                   # chloroform-ish
    (["C", "C", "F"], [(0, 1), (1, 2)], 0),
    (["C", "S", "C"], [(0, 1), (1, 2)], 0),
    (["O", "C", "C", "O"], [(0, 1), (1, 2), (2, 3)], 1),                      # ethylene glycol
    (["N", "C", "C", "N"], [(0, 1), (1, 2), (2, 3)], 1),
]


def collate(mols):
    """Stack several molecules into one disconnected graph."""
    atom_ids, src, dst, graph_ids, labels = [], [], [], [], []
    offset = 0
    for g, (atoms, bonds, y) in enumerate(mols):
        atom_ids += [ATOM2IDX[a] for a in atoms]
        for i, j in bonds:
            src += [i + offset, j + offset]
            dst += [j + offset, i + offset]
        graph_ids += [g] * len(atoms)
        labels.append(y)
        offset += len(atoms)
    edge_index = torch.tensor([src, dst], dtype=torch.long)
    return (torch.tensor(atom_ids), edge_index,
            torch.tensor(graph_ids), torch.tensor(labels, dtype=torch.float))


def global_mean_pool(h, graph_ids, num_graphs):
    out = torch.zeros(num_graphs, h.size(1))
    out.index_add_(0, graph_ids, h)
    counts = torch.bincount(graph_ids, minlength=num_graphs).clamp(min=1)
    return out / counts.unsqueeze(1)


class GINLayer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))

    def forward(self, h, edge_index):
        src, dst = edge_index
        agg = torch.zeros_like(h).index_add_(0, dst, h[src])
        return self.mlp((1 + self.eps) * h + agg)


class MolGIN(nn.Module):
    def __init__(self, num_atom_types, hidden_dim=32, num_layers=3):
        super().__init__()
        self.atom_emb = nn.Embedding(num_atom_types, hidden_dim)
        self.layers = nn.ModuleList([GINLayer(hidden_dim) for _ in range(num_layers)])
        self.norms = nn.ModuleList([nn.BatchNorm1d(hidden_dim) for _ in range(num_layers)])
        # jumping knowledge: concat graph embeddings from every layer
        jk_dim = hidden_dim * (num_layers + 1)
        self.head = nn.Sequential(nn.Linear(jk_dim, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 1))

    def forward(self, atom_ids, edge_index, graph_ids, num_graphs):
        h = self.atom_emb(atom_ids)
        layer_outputs = [global_mean_pool(h, graph_ids, num_graphs)]
        for conv, bn in zip(self.layers, self.norms):
            h = F.relu(bn(conv(h, edge_index)))
            layer_outputs.append(global_mean_pool(h, graph_ids, num_graphs))
        graph_repr = torch.cat(layer_outputs, dim=1)
        return self.head(graph_repr).squeeze(-1)


def main():
    model = MolGIN(len(ATOM_VOCAB), hidden_dim=32, num_layers=3)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)

    train_mols, test_mols = MOLECULES[:6], MOLECULES[6:]
    batch_size = 3

    for epoch in range(4):
        model.train()
        perm = torch.randperm(len(train_mols)).tolist()
        total = 0.0
        for b in range(0, len(perm), batch_size):
            mols = [train_mols[i] for i in perm[b:b + batch_size]]
            atom_ids, edge_index, graph_ids, y = collate(mols)
            logits = model(atom_ids, edge_index, graph_ids, len(mols))
            loss = F.binary_cross_entropy_with_logits(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(mols)
        if epoch % 5 == 0:
            print(f"epoch {epoch:3d}  train bce {total / len(train_mols):.4f}")

    model.eval()
    with torch.no_grad():
        atom_ids, edge_index, graph_ids, y = collate(test_mols)
        probs = torch.sigmoid(model(atom_ids, edge_index, graph_ids, len(test_mols)))
        acc = ((probs > 0.5).float() == y).float().mean().item()
    print(f"test acc {acc:.3f}  probs {probs.tolist()}")


if __name__ == "__main__":
    main()
