"""Toxic-comment detector on top of frozen word vectors read from a GloVe-style text file."""
import os
import tempfile

import torch
from torch import nn

torch.manual_seed(0)
DIM = 20
COMMENTS = [
    ("thanks for the detailed answer", 0), ("you are an idiot and a liar", 1),
    ("this patch fixes the crash for me", 0), ("shut up nobody asked you moron", 1),
    ("great explanation very helpful", 0), ("what a pathetic clueless troll", 1),
    ("could you share the config file", 0), ("get lost you useless clown", 1),
]
COMMON_WORDS = ["thanks", "for", "the", "answer", "you", "are", "an", "and", "a", "this", "fixes", "crash",
                "me", "shut", "up", "nobody", "asked", "great", "explanation", "very", "helpful", "what",
                "could", "share", "file", "get", "lost", "useless"]


def write_vector_file(path):
    with open(path, "w", encoding="utf-8") as fh:
        for word in COMMON_WORDS:
            fh.write(word + " " + " ".join(f"{v:.5f}" for v in torch.randn(DIM).tolist()) + "\n")


def load_vectors(path):
    table = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, *nums = line.split()
            table[word] = torch.tensor([float(n) for n in nums])
    return table


class FrozenVecClassifier(nn.Module):
    def __init__(self, weights, hidden=16):
        super().__init__()
        self.lookup = nn.Embedding.from_pretrained(weights, freeze=True, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(weights.size(1), hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (self.lookup(ids) * mask).sum(1) / mask.sum(1)
        return self.mlp(pooled).squeeze(-1)


vec_path = os.path.join(tempfile.mkdtemp(), "vectors.20d.txt")
write_vector_file(vec_path)
vectors = load_vectors(vec_path)

vocab = ["<pad>", "<unk>"] + sorted({w for c, _ in COMMENTS for w in c.split()})
word_to_id = {w: i for i, w in enumerate(vocab)}
weights = torch.stack([vectors[w] for w in vocab if w in vectors])
model = FrozenVecClassifier(weights)

ids = nn.utils.rnn.pad_sequence([torch.tensor([word_to_id[w] for w in c.split()]) for c, _ in COMMENTS],
                                batch_first=True)
targets = torch.tensor([float(y) for _, y in COMMENTS])
optimizer = torch.optim.Adam(model.mlp.parameters(), lr=0.02)
for step in range(40):
    optimizer.zero_grad()
    loss = nn.functional.binary_cross_entropy_with_logits(model(ids), targets)
    loss.backward()
    optimizer.step()
print("final loss", round(loss.item(), 4))
