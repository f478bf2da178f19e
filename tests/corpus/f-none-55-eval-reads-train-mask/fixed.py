"""Masked mean-pooling classifier over padded token ids; train, then score a held-out set."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
VOCAB, DIM = 50, 16


def make_split(n, width):
    ids = torch.randint(1, VOCAB, (n, width))
    lengths = torch.randint(3, width + 1, (n,))
    pad = torch.arange(width)[None, :] >= lengths[:, None]
    ids[pad] = 0
    return TensorDataset(ids, (~pad).long(), (lengths % 2).long())


class Pooler(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, DIM, padding_idx=0)
        self.head = nn.Linear(DIM, 2)

    def forward(self, ids, mask):
        h = self.emb(ids) * mask.unsqueeze(-1)
        return self.head(h.sum(1) / mask.sum(1, keepdim=True).clamp(min=1))


model = Pooler()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
train_dl = DataLoader(make_split(64, 12), batch_size=16, shuffle=True)
test_dl = DataLoader(make_split(32, 9), batch_size=16)

for step, (ids, mask, y) in enumerate(train_dl):
    loss = nn.functional.cross_entropy(model(ids, mask), y)
    opt.zero_grad()
    loss.backward()
    opt.step()

model.eval()
right = 0
with torch.no_grad():
    for ids, attn, y in test_dl:
        right += (model(ids, attn).argmax(-1) == y).sum().item()
print("accuracy", right / len(test_dl.dataset))
