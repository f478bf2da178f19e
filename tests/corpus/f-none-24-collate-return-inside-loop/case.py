import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD_ID = 0
N_FAMILIES = 5

peptides = []
for _ in range(120):
    length = random.randint(6, 30)
    seq = "".join(random.choice(AMINO) for _ in range(length))
    peptides.append({"seq": seq, "family": random.randrange(N_FAMILIES)})


def encode(seq):
    return torch.tensor([AMINO.index(ch) + 1 for ch in seq], dtype=torch.long)


def collate_peptides(examples):
    tokens = pad_sequence([encode(ex["seq"]) for ex in examples],
                          batch_first=True, padding_value=PAD_ID)
    lengths = torch.tensor([len(ex["seq"]) for ex in examples])
    families = []
    for ex in examples:
        families.append(ex["family"])
        return tokens, lengths, torch.tensor(families)


class PeptideFamilyNet(nn.Module):
    def __init__(self, vocab=len(AMINO) + 1, d=24, n_out=N_FAMILIES):
        super().__init__()
        self.emb = nn.Embedding(vocab, d, padding_idx=PAD_ID)
        self.conv = nn.Conv1d(d, 32, kernel_size=3, padding=1)
        self.out = nn.Linear(32, n_out)

    def forward(self, tokens, lengths):
        h = self.conv(self.emb(tokens).transpose(1, 2)).relu()
        mask = (tokens != PAD_ID).unsqueeze(1)
        h = (h * mask).sum(dim=2) / lengths.unsqueeze(1)
        return self.out(h)


loader = DataLoader(peptides, batch_size=8, shuffle=True, collate_fn=collate_peptides)
model = PeptideFamilyNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(2):
    running = 0.0
    for tokens, lengths, families in loader:
        logits = model(tokens, lengths)
        loss = criterion(logits, families)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch} loss {running / len(loader):.4f}")
