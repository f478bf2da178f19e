import csv
import io
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

CAT_COLS = ["region", "plan", "device", "channel"]
NUM_COLS = ["tenure_months", "monthly_spend", "support_calls"]
TARGET = "churned"


def make_csv(n_rows=400):
    regions = ["north", "south", "east", "west", "central"]
    plans = ["basic", "plus", "pro"]
    devices = ["ios", "android", "web", "desktop"]
    channels = ["organic", "ads", "referral", "partner", "email", "store"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CAT_COLS + NUM_COLS + [TARGET])
    for _ in range(n_rows):
        tenure = "" if random.random() < 0.08 else f"{random.randint(1, 72)}"
        spend = "" if random.random() < 0.10 else f"{random.uniform(5, 180):.2f}"
        calls = "" if random.random() < 0.05 else f"{np.random.poisson(2)}"
        churn = int(random.random() < 0.3)
        w.writerow([random.choice(regions), random.choice(plans), random.choice(devices),
                    random.choice(channels), tenure, spend, calls, churn])
    return buf.getvalue()


RAW = make_csv()


def parse(raw):
    rows = list(csv.DictReader(io.StringIO(raw)))
    vocab = {}
    for c in CAT_COLS:
        values = sorted({r[c] for r in rows})
        vocab[c] = {"<UNK>": 0, **{v: i + 1 for i, v in enumerate(values)}}
    stats = {}
    for c in NUM_COLS:
        vals = np.array([float(r[c]) for r in rows if r[c] != ""], dtype=np.float64)
        stats[c] = (vals.mean(), vals.std() + 1e-6)
    return rows, vocab, stats


def encode(rows, vocab, stats):
    cats, nums, ys = [], [], []
    for r in rows:
        cats.append([vocab[c].get(r[c], 0) for c in CAT_COLS])
        feats, flags = [], []
        for c in NUM_COLS:
            if r[c] == "":
                feats.append(0.0)
                flags.append(1.0)
            else:
                mu, sd = stats[c]
                feats.append((float(r[c]) - mu) / sd)
                flags.append(0.0)
        nums.append(feats + flags)
        ys.append(float(r[TARGET]))
    return (torch.tensor(cats, dtype=torch.long),
            torch.tensor(nums, dtype=torch.float32),
            torch.tensor(ys, dtype=torch.float32))


class TabTransformer(nn.Module):
    def __init__(self, cardinalities, n_numeric, d_model=16, n_heads=2, n_layers=2):
        super().__init__()
        self.embeds = nn.ModuleList(nn.Embedding(card, d_model) for card in cardinalities)
        self.col_bias = nn.Parameter(torch.zeros(len(cardinalities), d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=4 * d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        mlp_in = d_model * len(cardinalities) + n_numeric
        self.head = nn.Sequential(
            nn.Linear(mlp_in, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, 1),
        )

    def forward(self, x_cat, x_num):
        tokens = torch.stack([emb(x_cat[:, i]) for i, emb in enumerate(self.embeds)], dim=1)
        ctx = self.encoder(tokens + self.col_bias)
        flat = ctx.flatten(1)
        return self.head(torch.cat([flat, x_num], dim=1)).squeeze(-1)


def batches(n, bs, shuffle=True):
    idx = np.random.permutation(n) if shuffle else np.arange(n)
    for s in range(0, n, bs):
        yield torch.as_tensor(idx[s:s + bs])


def main():
    rows, vocab, stats = parse(RAW)
    cut = int(0.8 * len(rows))
    train_rows, valid_rows = rows[:cut], rows[cut:]
    xc_tr, xn_tr, y_tr = encode(train_rows, vocab, stats)
    xc_va, xn_va, y_va = encode(valid_rows, vocab, stats)

    cardinalities = [len(vocab[c]) for c in CAT_COLS]
    model = TabTransformer(cardinalities, n_numeric=len(NUM_COLS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(3):
        model.train()
        total = 0.0
        for b in batches(len(y_tr), 64):
            logits = model(xc_tr[b], xn_tr[b])
            loss = F.binary_cross_entropy_with_logits(logits, y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(model(xc_va, xn_va))
            acc = ((p > 0.5).float() == y_va).float().mean().item()
        print(f"epoch {epoch} train_loss={total / len(y_tr):.4f} valid_acc={acc:.3f}")


if __name__ == "__main__":
    main()
