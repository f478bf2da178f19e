"""Chargeback risk model: merchant / country embeddings + engineered amount/time features."""
import math
import random

import torch
import torch.nn as nn

torch.manual_seed(7)
random.seed(7)

MERCHANTS = ["grocer", "airline", "electronics", "giftcards", "fuel", "hotel",
             "pharmacy", "crypto_exch", "marketplace", "restaurant", "telecom", "jeweler"]
COUNTRIES = ["US", "GB", "DE", "FR", "NG", "BR", "IN", "RU", "CN", "CA"]
NUMERIC_COLUMNS = ["amount", "hour", "is_weekend"]

MERCHANT_DIM = 16
COUNTRY_DIM = 8


def synth_transactions(n):
    rows = []
    for _ in range(n):
        merchant = random.choice(MERCHANTS)
        country = random.choice(COUNTRIES)
        amount = round(random.lognormvariate(3.5, 1.2), 2)
        hour = random.randint(0, 23)
        is_weekend = int(random.random() < 2 / 7)
        risky = merchant in {"giftcards", "crypto_exch", "jeweler"} or country in {"NG", "RU"}
        p = 0.05 + 0.3 * risky + 0.1 * (amount > 500) + 0.05 * (hour < 5)
        rows.append({"merchant": merchant, "country": country, "amount": amount,
                     "hour": hour, "is_weekend": is_weekend, "chargeback": int(random.random() < p)})
    return rows


class TxnEncoder:
    def __init__(self, rows):
        self.merchant_ix = {m: i for i, m in enumerate(sorted({r["merchant"] for r in rows}))}
        self.country_ix = {c: i for i, c in enumerate(sorted({r["country"] for r in rows}))}
        log_amts = [math.log1p(r["amount"]) for r in rows]
        self.amt_mu = sum(log_amts) / len(log_amts)
        self.amt_sd = (sum((a - self.amt_mu) ** 2 for a in log_amts) / len(log_amts)) ** 0.5

    def numeric(self, r):
        amount, hour, is_weekend = (r[c] for c in NUMERIC_COLUMNS)
        log_amt = math.log1p(amount)
        z = (log_amt - self.amt_mu) / self.amt_sd
        angle = 2 * math.pi * hour / 24
        return [log_amt / 10.0, z, math.sin(angle), math.cos(angle), float(is_weekend)]

    def encode(self, rows):
        merch = torch.tensor([self.merchant_ix[r["merchant"]] for r in rows])
        ctry = torch.tensor([self.country_ix[r["country"]] for r in rows])
        feats = torch.tensor([self.numeric(r) for r in rows], dtype=torch.float32)
        target = torch.tensor([r["chargeback"] for r in rows], dtype=torch.float32)
        return merch, ctry, feats, target


class ChargebackNet(nn.Module):
    def __init__(self, n_merchants, n_countries, n_numeric):
        super().__init__()
        self.merchant_emb = nn.Embedding(n_merchants, MERCHANT_DIM)
        self.country_emb = nn.Embedding(n_countries, COUNTRY_DIM)
        self.head = nn.Sequential(
            nn.Linear(MERCHANT_DIM + COUNTRY_DIM + n_numeric, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, 1),
        )

    def forward(self, merch, ctry, feats):
        x = torch.cat([self.merchant_emb(merch), self.country_emb(ctry), feats], dim=-1)
        return self.head(x).squeeze(-1)


def batches(tensors, size, shuffle=True):
    n = tensors[0].shape[0]
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for start in range(0, n, size):
        idx = order[start:start + size]
        yield tuple(t[idx] for t in tensors)


def main():
    train_rows = synth_transactions(1200)
    valid_rows = synth_transactions(300)
    enc = TxnEncoder(train_rows)
    train = enc.encode(train_rows)
    valid = enc.encode(valid_rows)

    model = ChargebackNet(len(enc.merchant_ix), len(enc.country_ix), len(NUMERIC_COLUMNS))
    pos_rate = train[3].mean()
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=(1 - pos_rate) / pos_rate)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(4):
        model.train()
        total = 0.0
        for merch, ctry, feats, y in batches(train, 64):
            opt.zero_grad()
            logits = model(merch, ctry, feats)
            loss = loss_fn(logits, y)
            loss.backward()
            opt.step()
            total += loss.item() * y.shape[0]

        model.eval()
        with torch.no_grad():
            scores = torch.sigmoid(model(*valid[:3]))
            flagged = scores > 0.5
            hits = (flagged & (valid[3] == 1)).sum().item()
            recall = hits / max(1, int(valid[3].sum().item()))
        print(f"epoch {epoch} loss {total / len(train_rows):.4f} valid recall {recall:.3f}")


if __name__ == "__main__":
    main()
