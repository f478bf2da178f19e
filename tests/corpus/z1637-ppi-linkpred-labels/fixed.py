"""
Link prediction on a small protein-protein interaction network.
Two-layer GCN encoder (dense normalized adjacency built by hand) + dot-product decoder,
trained with random negative sampling. Protein features = fake 3-mer composition vectors.
"""
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(1)
torch.manual_seed(1)

NUM_PROTEINS = 30
FEAT_DIM = 24

# undirected interactions (a, b) with a < b, generated as a few dense complexes + noise
interactions = set()
complexes = [range(0, 8), range(8, 15), range(15, 23), range(23, 30)]
for cplx in complexes:
    members = list(cplx)
    for _ in range(10):
        a, b = random.sample(members, 2)
        interactions.add((min(a, b), max(a, b)))
for _ in range(6):
    a, b = random.sample(range(NUM_PROTEINS), 2)
    interactions.add((min(a, b), max(a, b)))
interactions = sorted(interactions)
print(f"{NUM_PROTEINS} proteins, {len(interactions)} interactions")

protein_feats = torch.rand(NUM_PROTEINS, FEAT_DIM)

# message passing uses both directions of every interaction
ppi_edges = torch.tensor(interactions, dtype=torch.long).t()
edge_index = torch.cat([ppi_edges, ppi_edges.flip(0)], dim=1)


def normalized_adjacency(edge_index, n):
    A = torch.zeros(n, n)
    A[edge_index[0], edge_index[1]] = 1.0
    A = A + torch.eye(n)
    deg_inv_sqrt = A.sum(1).pow(-0.5)
    return deg_inv_sqrt.unsqueeze(1) * A * deg_inv_sqrt.unsqueeze(0)


A_hat = normalized_adjacency(edge_index, NUM_PROTEINS)


class GCNEncoder(nn.Module):
    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.w1 = nn.Linear(in_dim, hid_dim)
        self.w2 = nn.Linear(hid_dim, out_dim)

    def forward(self, x, a_hat):
        h = F.relu(a_hat @ self.w1(x))
        h = F.dropout(h, p=0.3, training=self.training)
        return a_hat @ self.w2(h)


def decode(z, pairs):
    return (z[pairs[0]] * z[pairs[1]]).sum(-1)


def sample_negatives(num_samples, existing, n):
    neg = []
    while len(neg) < num_samples:
        a, b = random.randrange(n), random.randrange(n)
        if a == b or (min(a, b), max(a, b)) in existing:
            continue
        neg.append((a, b))
    return torch.tensor(neg, dtype=torch.long).t()


def make_batch(pos_pairs, existing):
    n_pos = pos_pairs.size(1)
    neg_pairs = sample_negatives(n_pos, existing, NUM_PROTEINS)
    pairs = torch.cat([pos_pairs, neg_pairs], dim=1)
    link_labels = torch.cat([torch.ones(n_pos), torch.zeros(n_pos)])
    return pairs, link_labels


def auc(scores, labels):
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    return (pos.unsqueeze(1) > neg.unsqueeze(0)).float().mean().item()


def train():
    existing = set(interactions)
    encoder = GCNEncoder(FEAT_DIM, 32, 16)
    optimizer = torch.optim.Adam(encoder.parameters(), lr=0.01)

    for epoch in range(1, 101):
        encoder.train()
        z = encoder(protein_feats, A_hat)
        pairs, link_labels = make_batch(edge_index, existing)
        logits = decode(z, pairs)
        loss = F.binary_cross_entropy_with_logits(logits, link_labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        if epoch % 20 == 0:
            encoder.eval()
            with torch.no_grad():
                z = encoder(protein_feats, A_hat)
                pairs, link_labels = make_batch(edge_index, existing)
                print(f"epoch {epoch:3d} loss {loss.item():.4f} "
                      f"auc {auc(decode(z, pairs), link_labels):.3f}")


if __name__ == "__main__":
    train()
