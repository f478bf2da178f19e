import csv
import io
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

CAT_COLS = ["plan", "region", "device", "payment"]
NUM_COLS = ["tenure_months", "monthly_spend", "support_calls"]
TARGET = "churned"


def make_csv(n_rows=240):
    plans = ["basic", "plus", "pro", "enterprise"]
    regions = ["north", "south", "east", "west", "central"]
    devices = ["ios", "android", "web"]
    payments = ["card", "paypal", "invoice", ""]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CAT_COLS + NUM_COLS + [TARGET])
    for _ in range(n_rows):
        tenure = random.randint(1, 72)
        spend = round(random.uniform(5, 120), 2) if random.random() > 0.08 else ""
        calls = random.randint(0, 9)
        y = int(calls > 5 or (tenure < 6 and random.random() < 0.5))
        w.writerow([random.choice(plans), random.choice(regions), random.choice(devices),
                    random.choice(payments), tenure, spend, calls, y])
    return buf.getvalue()


RAW = make_csv()


def load_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def build_vocabs(rows):
    vocabs = {}
    for col in CAT_COLS:
        values = sorted({r[col] for r in rows if r[col] != ""})
        vocabs[col] = {"<missing>": 0, **{v: i + 1 for i, v in enumerate(values)}}
    return vocabs


def column_stats(rows):
    stats = {}
    for col in NUM_COLS:
        vals = np.array([float(r[col]) for r in rows if r[col] != ""])
        stats[col] = (vals.mean(), vals.std() + 1e-6)
    return stats


def encode(rows, vocabs, stats):
    n = len(rows)
    x_cat = np.zeros((n, len(CAT_COLS)))
    x_num = np.zeros((n, len(NUM_COLS)), dtype=np.float32)
    y = np.zeros(n, dtype=np.float32)
    for i, r in enumerate(rows):
        for j, col in enumerate(CAT_COLS):
            x_cat[i, j] = vocabs[col].get(r[col], 0)
        for j, col in enumerate(NUM_COLS):
            mu, sd = stats[col]
            x_num[i, j] = 0.0 if r[col] == "" else (float(r[col]) - mu) / sd
        y[i] = float(r[TARGET])
    return torch.from_numpy(x_cat), torch.from_numpy(x_num), torch.from_numpy(y)


class NumericTokenizer(nn.Module):
    def __init__(self, n_num, d):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_num, d) / math.sqrt(d))
        self.bias = nn.Parameter(torch.zeros(n_num, d))

    def forward(self, x):
        return x.unsqueeze(-1) * self.weight + self.bias


class FTTransformer(nn.Module):
    def __init__(self, cardinalities, n_num, d=32, heads=4, layers=2):
        super().__init__()
        self.cat_embeds = nn.ModuleList([nn.Embedding(c, d) for c in cardinalities])
        self.num_tok = NumericTokenizer(n_num, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        block = nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, dropout=0.1,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, layers)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, 1))

    def forward(self, x_cat, x_num):
        cat_tokens = torch.stack([emb(x_cat[:, j]) for j, emb in enumerate(self.cat_embeds)], dim=1)
        num_tokens = self.num_tok(x_num)
        tokens = torch.cat([self.cls.expand(x_cat.size(0), -1, -1), cat_tokens, num_tokens], dim=1)
        h = self.encoder(tokens)
        return self.head(h[:, 0]).squeeze(-1)


def main():
    rows = load_rows(RAW)
    random.shuffle(rows)
    split = int(0.8 * len(rows))
    train_rows, valid_rows = rows[:split], rows[split:]

    vocabs = build_vocabs(train_rows)
    stats = column_stats(train_rows)
    cardinalities = [len(vocabs[c]) for c in CAT_COLS]
    print("cardinalities:", dict(zip(CAT_COLS, cardinalities)))

    train_ds = TensorDataset(*encode(train_rows, vocabs, stats))
    valid_ds = TensorDataset(*encode(valid_rows, vocabs, stats))
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    valid_dl = DataLoader(valid_ds, batch_size=64)

    model = FTTransformer(cardinalities, len(NUM_COLS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        total = 0.0
        for xc, xn, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xc, xn), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        model.eval()
        correct = 0
        with torch.no_grad():
            for xc, xn, yb in valid_dl:
                correct += ((model(xc, xn) > 0).float() == yb).sum().item()
        print(f"epoch {epoch} loss {total / len(train_ds):.4f} val_acc {correct / len(valid_ds):.3f}")


if __name__ == "__main__":
    main()
