import csv
import io
import random

import numpy as np
import torch
from torch import nn

SEED = 2024
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

MERCHANTS = ["grocery", "fuel", "travel", "electronics", "pharmacy", "dining", "online"]
COUNTRIES = ["US", "GB", "DE", "FR", "BR", "IN", "NG", "JP"]
CARD_TYPES = ["debit", "credit", "prepaid"]


def build_transactions(n=500):
    out = io.StringIO()
    fieldnames = ["merchant", "country", "card_type", "amount", "hour", "account_age_days", "is_fraud"]
    writer = csv.DictWriter(out, fieldnames=fieldnames)
    writer.writeheader()
    for _ in range(n):
        amount = round(random.expovariate(1 / 80), 2)
        fraud = 1 if (amount > 250 and random.random() < 0.5) or random.random() < 0.04 else 0
        writer.writerow({
            "merchant": random.choice(MERCHANTS),
            "country": random.choice(COUNTRIES) if random.random() > 0.03 else "",
            "card_type": random.choice(CARD_TYPES),
            "amount": amount if random.random() > 0.06 else "",
            "hour": random.randint(0, 23),
            "account_age_days": random.randint(0, 3000) if random.random() > 0.1 else "",
            "is_fraud": fraud,
        })
    return out.getvalue()


TXN_CSV = build_transactions()
CATEGORICAL = ["merchant", "country", "card_type"]
CONTINUOUS = ["amount", "hour", "account_age_days"]
N_BINS = 8


def make_encoders(rows):
    encoders = {}
    for col in CATEGORICAL:
        seen = sorted({r[col] for r in rows if r[col]})
        table = {v: i + 2 for i, v in enumerate(seen)}

        def enc(v, table=table):
            if v == "":
                return 1
            return table.get(v, 0)

        encoders[col] = (enc, len(table) + 2)
    for col in CONTINUOUS:
        vals = np.array([float(r[col]) for r in rows if r[col] != ""])
        edges = np.quantile(vals, np.linspace(0, 1, N_BINS + 1)[1:-1])

        def enc(v, edges=edges):
            if v == "":
                return 0
            return int(np.searchsorted(edges, float(v))) + 1

        encoders[col] = (enc, N_BINS + 1)
    return encoders


def tensorize(rows, encoders):
    cols = CATEGORICAL + CONTINUOUS
    x = torch.tensor([[encoders[c][0](r[c]) for c in cols] for r in rows], dtype=torch.long)
    y = torch.tensor([int(r["is_fraud"]) for r in rows])
    return x, y


class ColumnTransformer(nn.Module):
    def __init__(self, sizes, dim=24, heads=4, depth=2):
        super().__init__()
        self.tables = nn.ModuleList([nn.Embedding(s, dim) for s in sizes])
        self.column_id = nn.Parameter(torch.randn(len(sizes), dim) * 0.02)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        block = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, depth, enable_nested_tensor=False)
        self.out = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 1))

    def forward(self, x):
        toks = torch.stack([tbl(x[:, k]) for k, tbl in enumerate(self.tables)], 1) + self.column_id
        toks = torch.cat([self.cls_token.expand(len(x), -1, -1), toks], 1)
        return self.out(self.blocks(toks)[:, 0]).squeeze(1)


def minibatches(x, y, size):
    order = torch.randperm(len(x))
    for i in range(0, len(x), size):
        sel = order[i:i + size]
        yield x[sel], y[sel]


def main():
    rows = list(csv.DictReader(io.StringIO(TXN_CSV)))
    random.shuffle(rows)
    n_train = int(0.8 * len(rows))
    encoders = make_encoders(rows[:n_train])
    x_train, y_train = tensorize(rows[:n_train], encoders)
    x_val, y_val = tensorize(rows[n_train:], encoders)

    sizes = [encoders[c][1] for c in CATEGORICAL + CONTINUOUS]
    net = ColumnTransformer(sizes)
    pos_rate = y_train.float().mean().item()
    criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_rate) / pos_rate))
    optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3)

    for epoch in range(4):
        net.train()
        running = []
        for xb, yb in minibatches(x_train, y_train, 50):
            loss = criterion(net(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running.append(loss.item())
        net.eval()
        with torch.no_grad():
            probs = torch.sigmoid(net(x_val))
        recall = ((probs > 0.5) & (y_val == 1)).sum().item() / max(1, (y_val == 1).sum().item())
        print(f"epoch {epoch} loss {np.mean(running):.4f} val recall {recall:.3f}")


if __name__ == "__main__":
    main()
