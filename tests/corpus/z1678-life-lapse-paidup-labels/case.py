"""Lapse / surrender model for the protection and savings book.
Outcome at next anniversary: 0 = in force, 1 = lapsed, 2 = surrendered.
Entity embeddings for product / channel / frequency, standardised numerics."""
import csv
import math
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

CATEGORICAL = ["product", "channel", "prem_freq", "smoker"]
NUMERIC = ["issue_age", "duration_yrs", "log_sum_assured", "prem_rate"]
OUTCOME = {"inforce": 0, "lapsed": 1, "surrendered": 2}


def simulate_policies(path, n=1000):
    products = ["term", "whole_life", "endowment", "unit_linked"]
    channels = ["IFA", "bank", "direct", "tied_agent"]
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["policy_no", "product", "channel", "prem_freq", "smoker", "issue_age",
                      "duration_yrs", "sum_assured", "annual_premium", "status"])
        for k in range(n):
            product = random.choice(products)
            channel = random.choice(channels + (["aggregator"] if k >= 850 else []))
            duration = random.randint(0, 25)
            sa = round(random.lognormvariate(11.5, 0.6), -2)
            paid_up = product in ("whole_life", "endowment") and random.random() < 0.08
            premium = 0.0 if paid_up else round(sa * random.uniform(0.002, 0.03), 2)
            u = random.random()
            status = "lapsed" if u < 0.10 else ("surrendered" if u < 0.16 and product != "term" else "inforce")
            out.writerow([f"L{k:06d}", product, channel, random.choice(["monthly", "annual", "quarterly"]),
                          random.choice(["Y", "N"]), random.randint(18, 70), duration, sa, premium, status])


def is_premium_paying(rec):
    return float(rec["annual_premium"]) > 0


def fit_encoding(rows):
    cat_maps = {c: {v: i + 1 for i, v in enumerate(sorted({r[c] for r in rows}))} for c in CATEGORICAL}
    raw = [numeric_view(r) for r in rows if is_premium_paying(r)]
    means = [sum(col) / len(col) for col in zip(*raw)]
    sds = [math.sqrt(sum((x - m) ** 2 for x in col) / len(col)) for col, m in zip(zip(*raw), means)]
    return cat_maps, means, sds


def numeric_view(rec):
    sa = float(rec["sum_assured"])
    return [float(rec["issue_age"]), float(rec["duration_yrs"]), math.log(sa),
            1000.0 * float(rec["annual_premium"]) / sa]


def build_features(rows, cat_maps, means, sds):
    cat_rows, num_rows = [], []
    for r in rows:
        if not is_premium_paying(r):
            continue  # paid-up: premium rate not meaningful
        cat_rows.append([cat_maps[c].get(r[c], 0) for c in CATEGORICAL])
        num_rows.append([(x - m) / s for x, m, s in zip(numeric_view(r), means, sds)])
    return torch.tensor(cat_rows), torch.tensor(num_rows, dtype=torch.float32)


def build_targets(rows):
    return torch.tensor([OUTCOME[r["status"]] for r in rows])


class LapseNet(nn.Module):
    def __init__(self, cat_maps, emb_dim=3):
        super().__init__()
        self.tables = nn.ModuleDict({c: nn.Embedding(len(cat_maps[c]) + 1, emb_dim) for c in CATEGORICAL})
        width = emb_dim * len(CATEGORICAL) + len(NUMERIC)
        self.body = nn.Sequential(nn.Linear(width, 48), nn.ReLU(), nn.Dropout(0.1),
                                  nn.Linear(48, len(OUTCOME)))

    def forward(self, cat_ids, nums):
        parts = [self.tables[c](cat_ids[:, i]) for i, c in enumerate(CATEGORICAL)]
        return self.body(torch.cat(parts + [nums], dim=-1))


def main():
    folder = tempfile.mkdtemp()
    extract = os.path.join(folder, "lapse_extract.csv")
    simulate_policies(extract)
    with open(extract, newline="") as fh:
        policies = list(csv.DictReader(fh))

    train_pol, valid_pol = policies[:800], policies[800:]
    cat_maps, means, sds = fit_encoding(train_pol)

    x_cat, x_num = build_features(train_pol, cat_maps, means, sds)
    y_status = build_targets(train_pol)
    v_cat, v_num = build_features(valid_pol, cat_maps, means, sds)
    v_status = build_targets(valid_pol)

    net = LapseNet(cat_maps)
    weights = torch.tensor([1.0, 4.0, 6.0])
    criterion = nn.CrossEntropyLoss(weight=weights)
    optimiser = torch.optim.Adam(net.parameters(), lr=5e-3)

    n_policies = len(y_status)
    batch = 64
    for epoch in range(6):
        net.train()
        epoch_loss = 0.0
        for lo in range(0, n_policies, batch):
            hi = lo + batch
            scores = net(x_cat[lo:hi], x_num[lo:hi])
            loss = criterion(scores, y_status[lo:hi])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            epoch_loss += loss.item()
        net.eval()
        with torch.no_grad():
            v_scores = net(v_cat, v_num)
            v_loss = criterion(v_scores, v_status).item()
            v_acc = (v_scores.argmax(1) == v_status).float().mean().item()
        print(f"epoch {epoch}: train {epoch_loss:.3f} | valid loss {v_loss:.3f} acc {v_acc:.3f}")


if __name__ == "__main__":
    main()
