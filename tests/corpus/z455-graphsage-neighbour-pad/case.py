# GraphSAGE-style mean aggregation over neighbour lists, mini-batched by node
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Sampler

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

NUM_NODES, FEAT_DIM, NUM_CLASSES = 60, 16, 3

# a small citation-like graph kept as a dict of parallel lists
graph = {"node": [], "neighbours": [], "label": []}
for v in range(NUM_NODES):
    deg = random.randint(1, 7)
    graph["node"].append(v)
    graph["neighbours"].append(random.sample([u for u in range(NUM_NODES) if u != v], deg))
    graph["label"].append(v % NUM_CLASSES)

node_features = torch.randn(NUM_NODES, FEAT_DIM)
for v, y in zip(graph["node"], graph["label"]):
    node_features[v, y] += 1.5  # make the task learnable


class NodeSet(Dataset):
    def __init__(self, g):
        self.g = g

    def __len__(self):
        return len(self.g["node"])

    def __getitem__(self, i):
        return self.g["node"][i], self.g["neighbours"][i], self.g["label"][i]


class DegreeBucketSampler(Sampler):
    """Groups nodes of similar degree so neighbour padding stays small."""

    def __init__(self, g, batch_size):
        self.order = sorted(range(len(g["node"])), key=lambda i: len(g["neighbours"][i]))
        self.batch_size = batch_size

    def __iter__(self):
        buckets = [self.order[i:i + self.batch_size] for i in range(0, len(self.order), self.batch_size)]
        random.shuffle(buckets)
        yield from buckets

    def __len__(self):
        return (len(self.order) + self.batch_size - 1) // self.batch_size


def collate_nodes(items):
    nodes, nbr_lists, labels = zip(*items)
    max_deg = max(len(n) for n in nbr_lists)
    nbr_mat = np.zeros((len(items), max_deg))
    nbr_mask = np.zeros((len(items), max_deg), dtype=bool)
    for row, nbrs in enumerate(nbr_lists):
        nbr_mat[row, :len(nbrs)] = nbrs
        nbr_mask[row, :len(nbrs)] = True
    return (torch.tensor(nodes), torch.from_numpy(nbr_mat),
            torch.from_numpy(nbr_mask), torch.tensor(labels))


class SageLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.self_lin = nn.Linear(d_in, d_out)
        self.nbr_lin = nn.Linear(d_in, d_out)

    def forward(self, feats, nodes, nbrs, mask):
        h_nbr = feats[nbrs] * mask.unsqueeze(-1)
        h_nbr = h_nbr.sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return F.relu(self.self_lin(feats[nodes]) + self.nbr_lin(h_nbr))


class NodeClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.sage = SageLayer(FEAT_DIM, 32)
        self.head = nn.Linear(32, NUM_CLASSES)

    def forward(self, feats, nodes, nbrs, mask):
        return self.head(self.sage(feats, nodes, nbrs, mask))


loader = DataLoader(NodeSet(graph), batch_sampler=DegreeBucketSampler(graph, 8), collate_fn=collate_nodes)
clf = NodeClassifier()
opt = torch.optim.Adam(clf.parameters(), lr=1e-2)

for epoch in range(10):
    hits, total_loss = 0, 0.0
    for nodes, nbrs, mask, y in loader:
        logits = clf(node_features, nodes, nbrs, mask)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total_loss += loss.item()
        hits += (logits.argmax(1) == y).sum().item()
    print(f"epoch {epoch}: loss={total_loss / len(loader):.3f} acc={hits / NUM_NODES:.2f}")
