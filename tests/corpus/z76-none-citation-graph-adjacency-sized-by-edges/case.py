"""Paper-topic classification on a small citation graph: each paper's abstract is embedded with a BERT
encoder ([CLS] vector) and a two-layer GCN propagates the features along the citations.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
PAPERS = [  # abstract, topic (0 = nlp, 1 = vision)
    ("attention models for machine translation", 0), ("pretraining language models on web text", 0),
    ("convolutional networks for image recognition", 1), ("object detection with region proposals", 1),
    ("parsing sentences with neural networks", 0),
]
CITATIONS = [(1, 0), (4, 0), (4, 1), (3, 2), (2, 0), (3, 1), (1, 4)]   # (citing, cited)


class GCNLayer(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin = nn.Linear(d_in, d_out)

    def forward(self, x, adj):
        return self.lin(adj @ x)


class GCN(nn.Module):
    def __init__(self, d_in, d_hidden, n_classes):
        super().__init__()
        self.layer1, self.layer2 = GCNLayer(d_in, d_hidden), GCNLayer(d_hidden, n_classes)

    def forward(self, x, adj):
        return self.layer2(F.relu(self.layer1(x, adj)), adj)


def normalized_adjacency(edges):
    n = len(edges)
    adj = torch.eye(n)
    for src, dst in edges:
        adj[src, dst] = adj[dst, src] = 1.0
    d = adj.sum(1).rsqrt()
    return d[:, None] * adj * d[None, :]


tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for a, _ in PAPERS for w in a.split()})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                               intermediate_size=64, max_position_embeddings=64)).eval()
with torch.no_grad():
    enc = tokenizer([a for a, _ in PAPERS], padding=True, return_tensors="pt")
    features = encoder(**enc).last_hidden_state[:, 0]

adj = normalized_adjacency(CITATIONS)
labels = torch.tensor([t for _, t in PAPERS])
gcn = GCN(features.size(1), 16, 2)
optimizer = torch.optim.Adam(gcn.parameters(), lr=1e-2)
for step in range(50):
    loss = F.cross_entropy(gcn(features, adj), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("train accuracy", (gcn(features, adj).argmax(1) == labels).float().mean().item())
