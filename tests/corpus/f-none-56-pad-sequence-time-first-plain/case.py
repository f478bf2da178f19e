"""Sentence-level sentiment with a GRU encoder; variable-length sentences padded per batch."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
data = [(torch.randint(1, 40, (n,)), n % 3) for n in [5, 9, 4, 7, 11, 6, 8, 3, 10, 5, 7, 9]]


def collate(batch):
    seqs = pad_sequence([s for s, _ in batch], padding_value=0)
    return seqs, torch.tensor([y for _, y in batch])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(40, 16, padding_idx=0)
        self.gru = nn.GRU(16, 24, batch_first=True)
        self.cls = nn.Linear(24, 3)

    def forward(self, x):
        _, h = self.gru(self.emb(x))
        return self.cls(h[-1])


enc = Encoder()
opt = torch.optim.Adam(enc.parameters(), lr=1e-2)
for xb, yb in DataLoader(data, batch_size=4, shuffle=True, collate_fn=collate):
    loss = nn.CrossEntropyLoss()(enc(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
print("done", loss.item())
