"""
Semi-supervised node classification on a tiny Cora-format citation dataset
(Kipf & Welling GCN, dense implementation). Data is written to a temp dir in the
original .content / .cites format so the loader is the same one I use for real Cora.
"""
import os
import tempfile
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(42)
torch.manual_seed(42)

TOPICS = ["Neural_Networks", "Theory", "Genetic_Algorithms"]
N_PAPERS, N_WORDS = 60, 40


def write_fake_cora(root):
    paper_ids = rng.choice(np.arange(10000, 99999), size=N_PAPERS, replace=False)
    topic = rng.integers(0, len(TOPICS), size=N_PAPERS)
    with open(os.path.join(root, "cora.content"), "w") as f:
        for pid, t in zip(paper_ids, topic):
            words = (rng.random(N_WORDS) < 0.1).astype(int)
            words[t * 10:(t + 1) * 10] |= (rng.random(10) < 0.5).astype(int)
            f.write("\t".join([str(pid)] + [str(w) for w in words] + [TOPICS[t]]) + "\n")
    with open(os.path.join(root, "cora.cites"), "w") as f:
        for i in range(N_PAPERS):
            for _ in range(3):
                same = np.flatnonzero(topic == topic[i]) if rng.random() < 0.8 else np.arange(N_PAPERS)
                j = rng.choice(same)
                if j != i:
                    f.write(f"{paper_ids[j]}\t{paper_ids[i]}\n")


def load_cora(root):
    content = np.genfromtxt(os.path.join(root, "cora.content"), dtype=str)
    features = content[:, 1:-1].astype(np.float32)
    features = features / np.maximum(features.sum(1, keepdims=True), 1.0)
    label_names = sorted(set(content[:, -1]))
    labels = np.array([label_names.index(l) for l in content[:, -1]])

    idx_map = {pid: i for i, pid in enumerate(content[:, 0].astype(int))}
    cites = np.genfromtxt(os.path.join(root, "cora.cites"), dtype=int)
    edges = np.array([[idx_map[a], idx_map[b]] for a, b in cites])

    n = features.shape[0]
    adj = np.zeros((n, n))
    adj[edges[:, 0], edges[:, 1]] = 1
    adj = np.maximum(adj, adj.T) + np.eye(n)          # symmetric + self loops
    d_inv_sqrt = 1.0 / np.sqrt(adj.sum(1))
    adj_norm = d_inv_sqrt[:, None] * adj * d_inv_sqrt[None, :]

    return (torch.from_numpy(features), torch.from_numpy(adj_norm),
            torch.from_numpy(labels).long(), len(label_names))


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout=0.5):
        super().__init__()
        self.gc1 = nn.Linear(nfeat, nhid, bias=False)
        self.gc2 = nn.Linear(nhid, nclass, bias=False)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.dropout(x, self.dropout, self.training)
        x = F.relu(adj @ self.gc1(x))
        x = F.dropout(x, self.dropout, self.training)
        return adj @ self.gc2(x)


def accuracy(logits, y):
    return (logits.argmax(1) == y).float().mean().item()


def main():
    with tempfile.TemporaryDirectory() as root:
        write_fake_cora(root)
        features, adj, labels, n_class = load_cora(root)

    print(f"features {tuple(features.shape)}, adj {tuple(adj.shape)}, {n_class} classes")
    perm = torch.randperm(features.size(0))
    idx_train, idx_val, idx_test = perm[:20], perm[20:35], perm[35:]

    model = GCN(features.size(1), 16, n_class)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)

    best_val, best_state = 0.0, None
    for epoch in range(200):
        model.train()
        opt.zero_grad()
        out = model(features, adj)
        loss = F.cross_entropy(out[idx_train], labels[idx_train])
        loss.backward()
        opt.step()

        model.eval()
        with torch.no_grad():
            out = model(features, adj)
            val_acc = accuracy(out[idx_val], labels[idx_val])
        if val_acc >= best_val:
            best_val = val_acc
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if epoch % 50 == 0:
            print(f"epoch {epoch:3d} loss {loss.item():.4f} val {val_acc:.3f}")

    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        test_acc = accuracy(model(features, adj)[idx_test], labels[idx_test])
    print(f"best val {best_val:.3f}  test acc {test_acc:.3f}")


if __name__ == "__main__":
    main()
