"""Term life book: will the policy lapse within 12 months of the anniversary?

Entity embeddings for distribution channel / product / payment details, standardised numerics.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

random.seed(3)
torch.manual_seed(3)

CAT_FIELDS = ["channel", "product", "premium_freq", "payment_method", "smoker"]
NUM_FIELDS = ["entry_age", "sum_assured_k", "annual_premium", "policy_year"]


def extract_inforce(path, n=800):
    channels = ["ifa", "bank", "direct_web", "aggregator", "tied_agent"]
    products = ["level_term", "decreasing_term", "ci_combined", "over50s"]
    with open(path, "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=CAT_FIELDS + NUM_FIELDS + ["lapsed"])
        wr.writeheader()
        for _ in range(n):
            ch = random.choice(channels)
            freq = random.choice(["monthly", "annual"])
            pol_year = random.randint(1, 25)
            p_lapse = 0.06 + (0.12 if ch == "aggregator" else 0) + (0.05 if freq == "monthly" else 0) \
                - 0.002 * pol_year
            wr.writerow({
                "channel": ch, "product": random.choice(products), "premium_freq": freq,
                "payment_method": random.choice(["direct_debit", "card", "cheque"]),
                "smoker": random.choice(["N", "Y"]),
                "entry_age": random.randint(18, 70),
                "sum_assured_k": random.choice([50, 100, 150, 250, 400, 750]),
                "annual_premium": round(random.uniform(90, 2400), 2),
                "policy_year": pol_year,
                "lapsed": int(random.random() < max(p_lapse, 0.01)),
            })


class LapseModel(nn.Module):
    def __init__(self, n_levels, n_num, emb_dims):
        super().__init__()
        self.n_cat = len(n_levels)
        self.tables = nn.ModuleList(nn.Embedding(k, d) for k, d in zip(n_levels, emb_dims))
        self.drop = nn.Dropout(0.05)
        self.body = nn.Sequential(nn.Linear(sum(emb_dims) + n_num, 48), nn.ReLU(), nn.Linear(48, 1))

    def forward(self, x):
        codes, nums = x[:, :self.n_cat], x[:, self.n_cat:]
        embedded = [tab(codes[:, i]) for i, tab in enumerate(self.tables)]
        return self.body(torch.cat([self.drop(torch.cat(embedded, 1)), nums], 1)).squeeze(1)


def main():
    root = tempfile.mkdtemp()
    src = os.path.join(root, "inforce_term.csv")
    extract_inforce(src)
    with open(src, newline="") as fh:
        book = list(csv.DictReader(fh))

    random.shuffle(book)
    n_val = len(book) // 5
    val_book, train_book = book[:n_val], book[n_val:]

    vocab = {}
    for f in CAT_FIELDS:
        vocab[f] = {"<new>": 0}
        for pol in train_book:
            vocab[f].setdefault(pol[f], len(vocab[f]))
    centre = {f: sum(float(p[f]) for p in train_book) / len(train_book) for f in NUM_FIELDS}
    scale = {f: max(float(p[f]) for p in train_book) - min(float(p[f]) for p in train_book) for f in NUM_FIELDS}

    def to_matrix(policies):
        rows = []
        for p in policies:
            row = [vocab[f].get(p[f], 0) for f in CAT_FIELDS]
            row += [(float(p[f]) - centre[f]) / scale[f] for f in NUM_FIELDS]
            rows.append(row)
        design = torch.tensor(rows, dtype=torch.float32)
        target = torch.tensor([float(p["lapsed"]) for p in policies])
        return design, target

    X_tr, y_tr = to_matrix(train_book)
    X_va, y_va = to_matrix(val_book)
    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)

    n_levels = [len(vocab[f]) for f in CAT_FIELDS]
    emb_dims = [min(8, (k + 1) // 2) for k in n_levels]
    net = LapseModel(n_levels, len(NUM_FIELDS), emb_dims)
    loss_fn = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(net.parameters(), lr=5e-3)

    for epoch in range(8):
        net.train()
        seen, tot = 0, 0.0
        for xb, yb in loader:
            loss = loss_fn(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(yb)
            seen += len(yb)
        net.eval()
        with torch.no_grad():
            p_val = torch.sigmoid(net(X_va))
        brier = ((p_val - y_va) ** 2).mean().item()
        print(f"epoch {epoch}: train logloss {tot / seen:.4f}  valid brier {brier:.4f}")

    print(f"expected lapses in validation: {p_val.sum().item():.1f} vs actual {int(y_va.sum())}")


if __name__ == "__main__":
    main()
