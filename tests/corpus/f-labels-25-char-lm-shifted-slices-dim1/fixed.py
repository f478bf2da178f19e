"""Character-level GRU language model trained on chunks of a few song lyrics laid out as a (lines, time) grid."""
import torch
from torch import nn

torch.manual_seed(0)
LYRICS = ["here comes the sun", "let it be let it be", "all you need is love", "yesterday all my troubles"]
CHUNK = 8

chars = sorted(set("".join(LYRICS)))
stoi = {c: i for i, c in enumerate(chars)}
width = min(len(line) for line in LYRICS)
grid = torch.tensor([[stoi[c] for c in line[:width]] for line in LYRICS])   # (lines, time)


class CharLM(nn.Module):
    def __init__(self, n_chars, dim=24):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_chars)

    def forward(self, x):
        return self.out(self.gru(self.emb(x))[0])


model = CharLM(len(chars))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for start in range(0, grid.size(1) - 1, CHUNK):
    steps = min(CHUNK, grid.size(1) - 1 - start)
    x = grid[:, start:start + steps]
    y = grid[:, start + 1:start + 1 + steps]
    logits = model(x)
    loss = nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", round(loss.item(), 3))
