"""Retail credit scoring: probability-of-default model on bureau + application features.

Categorical fields (employment type, region) go through embeddings, numeric
bureau aggregates through a small MLP. After training, a scorecard is
produced for the hold-out applicants.
"""
import math

import torch
import torch.nn as nn

torch.manual_seed(2024)

N_APPLICANTS = 240
HOLDOUT_FRAC = 0.2
EMPLOYMENT_TYPES = ["salaried", "self_employed", "contractor", "retired", "student"]
REGIONS = ["north", "south", "east", "west", "metro", "rural"]
BASE_POINTS, PDO, BASE_ODDS = 600, 20, 50


def make_applicants(n):
    employment = torch.randint(0, len(EMPLOYMENT_TYPES), (n,))
    region = torch.randint(0, len(REGIONS), (n,))
    income = torch.exp(torch.randn(n) * 0.4 + 10.5)
    utilisation = torch.rand(n)
    months_on_book = torch.randint(3, 180, (n,)).float()
    delinq_12m = torch.poisson(torch.full((n,), 0.6))
    logit = -2.2 + 2.5 * utilisation + 0.7 * delinq_12m - 0.4 * (income.log() - 10.5) \
        - 0.004 * months_on_book + 0.5 * (employment == 4).float()
    default = torch.bernoulli(torch.sigmoid(logit))
    numeric = torch.stack([income.log(), utilisation, months_on_book / 12.0, delinq_12m], dim=1)
    ids = [f"APP-{100000 + i}" for i in range(n)]
    return ids, employment, region, numeric, default


class PDModel(nn.Module):
    def __init__(self, n_numeric):
        super().__init__()
        self.emp_emb = nn.Embedding(len(EMPLOYMENT_TYPES), 3)
        self.region_emb = nn.Embedding(len(REGIONS), 3)
        self.mlp = nn.Sequential(nn.Linear(n_numeric + 6, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, emp, reg, num):
        x = torch.cat([self.emp_emb(emp), self.region_emb(reg), num], dim=1)
        return self.mlp(x).squeeze(1)


def standardise(train_x, other_x):
    mu, sd = train_x.mean(0), train_x.std(0).clamp_min(1e-6)
    return (train_x - mu) / sd, (other_x - mu) / sd


def pd_to_points(pd):
    odds = (1 - pd) / pd
    factor = PDO / math.log(2)
    offset = BASE_POINTS - factor * math.log(BASE_ODDS)
    return offset + factor * math.log(odds)


def build_scorecard(applicant_ids, pd_scores, outcomes):
    rows = []
    for k in range(len(applicant_ids)):
        pd = float(pd_scores[k].clamp(1e-4, 1 - 1e-4))
        points = pd_to_points(pd)
        band = "A" if points >= 620 else "B" if points >= 580 else "C" if points >= 540 else "D"
        rows.append((applicant_ids[k], pd, round(points), band, int(outcomes[k])))
    return rows


def main():
    ids, emp, reg, num, default = make_applicants(N_APPLICANTS)
    perm = torch.randperm(N_APPLICANTS)
    n_hold = int(N_APPLICANTS * HOLDOUT_FRAC)
    hold_idx, train_idx = perm[:n_hold], perm[n_hold:]

    num_tr, num_ho = standardise(num[train_idx], num[hold_idx])
    emp_tr, reg_tr, y_tr = emp[train_idx], reg[train_idx], default[train_idx]

    model = PDModel(num.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    bce = nn.BCEWithLogitsLoss()

    for epoch in range(1):
        model.train()
        shuffle = torch.randperm(len(train_idx))
        epoch_loss = 0.0
        for s in range(0, len(shuffle), 32):
            b = shuffle[s:s + 32]
            logits = model(emp_tr[b], reg_tr[b], num_tr[b])
            loss = bce(logits, y_tr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(b)
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d}  train logloss {epoch_loss / len(train_idx):.4f}")

    model.eval()
    with torch.no_grad():
        hold_pd = torch.sigmoid(model(emp[hold_idx], reg[hold_idx], num_ho))
    hold_y = default[hold_idx]

    scorecard = build_scorecard([ids[i] for i in hold_idx.tolist()], hold_pd, hold_y)
    bands = {}
    for _, _, _, band, bad in scorecard:
        total, bads = bands.get(band, (0, 0))
        bands[band] = (total + 1, bads + bad)
    for band in sorted(bands):
        total, bads = bands[band]
        print(f"band {band}: n={total:3d} bad rate={bads / total:.2%}")


if __name__ == "__main__":
    main()
