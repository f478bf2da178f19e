import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from accelerate import Accelerator

AMINO = "ACDEFGHIKLMNPQRSTVWY"
HYDROPHOBIC = set("AILMFVW")
PAD, CLS = 0, 1
res2id = {aa: i + 2 for i, aa in enumerate(AMINO)}

rng = random.Random(7)
torch.manual_seed(7)


def make_records(n):
    records = []
    for _ in range(n):
        chain = "".join(rng.choice(AMINO) for _ in range(rng.randint(20, 70)))
        frac = sum(c in HYDROPHOBIC for c in chain) / len(chain)
        records.append({"chain": chain, "soluble": int(frac < 0.35)})
    return records


def encode(rec):
    return {"ids": [CLS] + [res2id[c] for c in rec["chain"]], "y": rec["soluble"]}


class ResidueCollator:
    def __init__(self, pad_id, max_len=48):
        self.pad_id = pad_id
        self.max_len = max_len

    def __call__(self, items):
        chains = [torch.tensor(it["ids"][: self.max_len]) for it in items]
        padded = pad_sequence(chains, batch_first=True, padding_value=self.pad_id)
        lengths = torch.tensor([len(c) for c in chains])
        is_pad = torch.arange(int(lengths.max()))[None, :] >= lengths[:, None]
        return {"tokens": padded, "is_pad": is_pad, "target": torch.tensor([it["y"] for it in items])}


class SolubilityEncoder(nn.Module):
    def __init__(self, n_tokens, dim=32, max_len=48):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, dim, padding_idx=PAD)
        self.pos = nn.Parameter(torch.zeros(1, max_len, dim))
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(dim, 2)

    def forward(self, tokens, is_pad):
        h = self.embed(tokens) + self.pos[:, : tokens.size(1)]
        h = self.encoder(h, src_key_padding_mask=is_pad)
        return self.head(h[:, 0])


accelerator = Accelerator(cpu=True)
train_data = [encode(r) for r in make_records(64)]
loader = DataLoader(train_data, batch_size=16, shuffle=True, collate_fn=ResidueCollator(PAD))

model = SolubilityEncoder(len(res2id) + 2)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
criterion = nn.CrossEntropyLoss()

for epoch in range(2):
    model.train()
    running = 0.0
    for batch in loader:
        logits = model(batch["tokens"], batch["is_pad"])
        loss = criterion(logits, batch["target"])
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()
        running += loss.item()
    accelerator.print(f"epoch {epoch} loss {running / len(loader):.4f}")
