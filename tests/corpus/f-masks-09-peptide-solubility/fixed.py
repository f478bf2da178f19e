import random
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(5)
torch.manual_seed(5)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD_ID = 0
STOI = {aa: i + 1 for i, aa in enumerate(AMINO)}
MAX_LEN = 48
HYDROPHOBIC = set("AILMFVW")


def random_peptide():
    return "".join(random.choice(AMINO) for _ in range(random.randint(8, 30)))


def is_soluble(seq):
    return int(sum(aa in HYDROPHOBIC for aa in seq) / len(seq) < 0.35)


peptides = [random_peptide() for _ in range(64)]
dataset = [(torch.tensor([STOI[a] for a in p]), is_soluble(p)) for p in peptides]


def collate(batch, max_len):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    ids = pad_sequence(seqs, batch_first=True, padding_value=PAD_ID)
    pad_mask = torch.arange(ids.size(1))[None, :] >= lengths[:, None]
    return ids, pad_mask, torch.tensor(labels)


class PeptideEncoder(nn.Module):
    def __init__(self, d_model=32, n_heads=4, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(len(AMINO) + 1, d_model, padding_idx=PAD_ID)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 2)

    def forward(self, ids, pad_mask):
        h = self.embed(ids) + self.pos[: ids.size(1)]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        return self.head((h * keep).sum(1) / keep.sum(1))


loader = DataLoader(dataset, batch_size=32, shuffle=True, collate_fn=partial(collate, max_len=MAX_LEN))
model = PeptideEncoder()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(1):
    correct = 0
    for ids, pad_mask, labels in loader:
        logits = model(ids, pad_mask)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        correct += (logits.argmax(1) == labels).sum().item()
    print(f"epoch {epoch}: loss {loss.item():.3f} acc {correct / len(dataset):.3f}")
