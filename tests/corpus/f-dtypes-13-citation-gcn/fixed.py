import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GraphConfig:
    num_papers: int = 40
    num_topics: int = 4
    feat_dim: int = 16
    hidden: int = 32
    epochs: int = 20
    lr: float = 0.01


def write_citations(path, num_papers, rng):
    cites = []
    for paper in range(num_papers):
        for _ in range(3):
            cited = int(rng.integers(0, num_papers))
            if cited != paper:
                cites.append((paper, cited))
    with open(path, "w") as fh:
        fh.write("# citing cited\n")
        for a, b in cites:
            fh.write(f"{a} {b}\n")


def load_citation_graph(path):
    pairs = np.loadtxt(path, comments="#", dtype=np.int64)
    both_ways = np.concatenate([pairs, pairs[:, ::-1]], axis=0)
    return torch.from_numpy(both_ways.T.copy())


def propagate(h, citations):
    src, dst = citations
    deg = torch.zeros(h.size(0)).index_add_(0, dst, torch.ones(dst.size(0)))
    agg = torch.zeros_like(h).index_add_(0, dst, h[src])
    return (agg + h) / (deg.unsqueeze(1) + 1.0)


class CitationGCN(nn.Module):
    def __init__(self, cfg: GraphConfig):
        super().__init__()
        self.lin1 = nn.Linear(cfg.feat_dim, cfg.hidden)
        self.lin2 = nn.Linear(cfg.hidden, cfg.num_topics)

    def forward(self, x, citations):
        h = F.relu(self.lin1(propagate(x, citations)))
        return self.lin2(propagate(h, citations))


def main():
    cfg = GraphConfig()
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    path = os.path.join(tempfile.mkdtemp(), "citations.txt")
    write_citations(path, cfg.num_papers, rng)

    citations = load_citation_graph(path)
    features = torch.randn(cfg.num_papers, cfg.feat_dim)
    topics = torch.randint(0, cfg.num_topics, (cfg.num_papers,))
    train_mask = torch.rand(cfg.num_papers) < 0.6

    model = CitationGCN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        opt.zero_grad()
        logits = model(features, citations)
        loss = F.cross_entropy(logits[train_mask], topics[train_mask])
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            acc = (logits.argmax(1) == topics).float().mean().item()
            print(f"epoch {epoch:2d} loss {loss.item():.3f} acc {acc:.2f}")


if __name__ == "__main__":
    main()
