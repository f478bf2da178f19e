"""Ticket-priority classifier: fixed word vectors from a text file plus learned vectors for the special tokens."""
import os
import tempfile

import torch
from torch import nn

torch.manual_seed(0)
VEC_DIM = 25
HIDDEN = 32
SPECIAL_TOKENS = ["<pad>", "<unk>", "<url>"]
TICKETS = [
    ("server down since this morning", 2), ("typo on the pricing page", 0),
    ("checkout fails for every customer", 2), ("please add dark mode", 0),
    ("reports export slowly at night", 1), ("broken link <url> in the footer", 0),
    ("payments rejected after deploy", 2), ("search results load slowly", 1),
]


def dump_vectors(words, path):
    with open(path, "w") as fh:
        for w in words:
            fh.write(w + " " + " ".join(f"{x:.4f}" for x in torch.randn(VEC_DIM).tolist()) + "\n")


def read_vectors(path):
    with open(path) as fh:
        return {parts[0]: torch.tensor([float(x) for x in parts[1:]]) for parts in map(str.split, fh)}


class PriorityModel(nn.Module):
    def __init__(self, word_matrix, n_special, n_classes=3):
        super().__init__()
        self.register_buffer("word_rows", word_matrix)
        self.special_rows = nn.Parameter(0.02 * torch.randn(n_special, word_matrix.size(1)))
        self.head = nn.Sequential(nn.Linear(word_matrix.size(1), HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, n_classes))

    def forward(self, ids):
        table = torch.cat([self.special_rows, self.word_rows], dim=0)
        keep = (ids != 0).unsqueeze(-1).float()
        mean = (table[ids] * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.head(mean)


words = sorted({w for t, _ in TICKETS for w in t.split()} - set(SPECIAL_TOKENS))
vec_file = os.path.join(tempfile.mkdtemp(), "ticket_vectors.txt")
dump_vectors([w for w in words if w not in {"deploy", "footer", "typo"}], vec_file)
pretrained = read_vectors(vec_file)

vocab = SPECIAL_TOKENS + words
index = {w: i for i, w in enumerate(vocab)}
word_matrix = torch.stack([pretrained.get(w, torch.zeros(VEC_DIM)) for w in words])
model = PriorityModel(word_matrix, len(SPECIAL_TOKENS))

batch = nn.utils.rnn.pad_sequence(
    [torch.tensor([index.get(w, index["<unk>"]) for w in t.split()]) for t, _ in TICKETS], batch_first=True)
labels = torch.tensor([y for _, y in TICKETS])
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(25):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(batch), labels)
    loss.backward()
    opt.step()
print("loss", round(loss.item(), 4), "pred", model(batch).argmax(-1).tolist())
