import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(5)
torch.manual_seed(5)

MCC = ["grocery", "fuel", "restaurant", "pharmacy", "airline", "electronics", "jewelry", "atm", "gaming", "transfer"]
MCC_ID = {name: i + 1 for i, name in enumerate(MCC)}
RISKY = {"electronics", "jewelry", "atm", "gaming", "transfer"}


def fake_customer(fraud):
    n = random.randint(4, 14)
    history = []
    for _ in range(n):
        cat = random.choice(MCC[:5])
        history.append((cat, round(random.lognormvariate(3.0, 0.8), 2)))
    if fraud:
        for _ in range(random.randint(2, 4)):
            history.append((random.choice(sorted(RISKY)), round(random.lognormvariate(6.0, 0.5), 2)))
    return history, int(fraud)


class CardHistories(Dataset):
    def __init__(self, n):
        self.items = [fake_customer(random.random() < 0.35) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        history, flag = self.items[i]
        return {
            "mcc": torch.tensor([MCC_ID[c] for c, _ in history]),
            "amount": torch.tensor([a for _, a in history]).log1p(),
            "flag": torch.tensor(flag, dtype=torch.float),
        }


def pad_histories(samples):
    mcc = pad_sequence([s["mcc"] for s in samples], batch_first=True, padding_value=0)
    amount = pad_sequence([s["amount"] for s in samples], batch_first=True, padding_value=0.0)
    flag = torch.stack([s["flag"] for s in samples])
    return {"mcc": mcc, "amount": amount, "flag": flag, "pad": mcc == 0}


class FraudEncoder(nn.Module):
    def __init__(self, n_mcc, d=32):
        super().__init__()
        self.mcc_emb = nn.Embedding(n_mcc + 1, d, padding_idx=0)
        self.amt_proj = nn.Linear(1, d)
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.cls = nn.Linear(d, 1)

    def forward(self, mcc, amount, pad):
        x = self.mcc_emb(mcc) + self.amt_proj(amount.unsqueeze(-1))
        h = self.encoder(x, src_key_padding_mask=pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0)
        pooled = h.sum(1) / (~pad).sum(1, keepdim=True)
        return self.cls(pooled).squeeze(-1)


train_loader = DataLoader(CardHistories(160), batch_size=16, shuffle=True, collate_fn=pad_histories)
model = FraudEncoder(len(MCC))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(1):
    model.train()
    seen, total = 0, 0.0
    for batch in train_loader:
        logit = model(batch["mcc"], batch["amount"], batch["pad"])
        loss = loss_fn(logit, batch["flag"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seen += len(batch["flag"])
        total += loss.item() * len(batch["flag"])
    print(f"epoch {epoch}: mean bce {total / seen:.4f}")
