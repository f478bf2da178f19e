"""
Hand-rolled GCN on a synthetic citation graph (papers ordered by publication time).
Each paper cites a few older papers; we classify papers into research topics.
Messages flow from citing paper -> cited paper, plus a self loop, with the
usual D^-1/2 (A+I) D^-1/2 style normalisation computed per node.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_num_threads(1)   # tiny graphs, threading only adds overhead

NUM_PAPERS = 40
NUM_TOPICS = 3
VOCAB_DIM = 24          # bag-of-words feature size
HIDDEN = 16
EPOCHS = 60


def make_citation_graph(num_papers, num_topics, vocab_dim):
    """Papers are sorted by year, so paper i can only cite papers j < i."""
    topic = torch.randint(0, num_topics, (num_papers,))
    topic_words = torch.randn(num_topics, vocab_dim)
    bow = (topic_words[topic] + 0.8 * torch.randn(num_papers, vocab_dim)).relu()

    citing, cited = [], []
    for i in range(1, num_papers):
        n_refs = min(i, 3)
        # prefer older papers of the same topic
        same = [j for j in range(i) if topic[j] == topic[i]]
        pool = same if len(same) >= n_refs else list(range(i))
        refs = torch.randperm(len(pool))[:n_refs]
        for r in refs.tolist():
            citing.append(i)
            cited.append(pool[r])
    citations = torch.tensor([citing, cited], dtype=torch.long)
    return bow, citations, topic


def node_degree_scale(num_nodes, in_degree):
    """1/sqrt(deg) for every node (deg already includes the self loop)."""
    scale = torch.empty(num_nodes)
    for v in range(num_nodes):
        scale[v] = in_degree[v].rsqrt()
    return scale


class CitationGCNLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin = nn.Linear(d_in, d_out)

    def forward(self, h, src, dst, edge_w, self_w):
        h = self.lin(h)
        out = h * self_w.unsqueeze(1)                       # self loop
        msg = h[src] * edge_w.unsqueeze(1)
        out = out.index_add(0, dst, msg)
        return out


class CitationGCN(nn.Module):
    def __init__(self, d_in, d_hid, n_cls):
        super().__init__()
        self.gc1 = CitationGCNLayer(d_in, d_hid)
        self.gc2 = CitationGCNLayer(d_hid, n_cls)
        self.drop = nn.Dropout(0.3)

    def forward(self, x, src, dst, edge_w, self_w):
        h = F.relu(self.gc1(x, src, dst, edge_w, self_w))
        h = self.drop(h)
        return self.gc2(h, src, dst, edge_w, self_w)


def main():
    bow, citations, topic = make_citation_graph(NUM_PAPERS, NUM_TOPICS, VOCAB_DIM)
    src, dst = citations[0], citations[1]
    print(f"papers={bow.size(0)}  citations={citations.size(1)}")

    # in-degree (how often a paper is cited) + 1 for the self loop
    in_degree = torch.bincount(dst, minlength=NUM_PAPERS).float() + 1.0
    scale = node_degree_scale(NUM_PAPERS, in_degree)
    edge_w = scale[src] * scale[dst]
    self_w = scale * scale

    perm = torch.randperm(NUM_PAPERS)
    train_idx, test_idx = perm[:28], perm[28:]

    model = CitationGCN(VOCAB_DIM, HIDDEN, NUM_TOPICS)
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)

    for epoch in range(EPOCHS):
        model.train()
        opt.zero_grad()
        logits = model(bow, src, dst, edge_w, self_w)
        loss = F.cross_entropy(logits[train_idx], topic[train_idx])
        loss.backward()
        opt.step()
        if epoch % 20 == 0:
            print(f"epoch {epoch:3d}  loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(bow, src, dst, edge_w, self_w).argmax(dim=1)
    acc = (pred[test_idx] == topic[test_idx]).float().mean().item()
    print(f"test accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
