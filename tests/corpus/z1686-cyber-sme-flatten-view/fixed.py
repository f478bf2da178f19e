"""Cyber SME book - ransomware / breach claim propensity from the proposal form.
Small TabTransformer: one token per categorical answer, contextualised by a
transformer encoder, then flattened and joined with the scaled numerics."""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(8)
torch.manual_seed(8)

CATEGORICAL = ["sector", "mfa_status", "backup_regime", "edr_vendor", "email_filter", "country"]
CONTINUOUS = ["revenue_musd", "employees", "endpoints", "open_ports"]
ANSWERS = {
    "sector": ["retail", "legal", "healthcare", "manufacturing", "education", "finance", "logistics"],
    "mfa_status": ["none", "email_only", "remote_only", "all_access"],
    "backup_regime": ["none", "onsite", "offsite", "immutable"],
    "edr_vendor": ["none", "crowdstrike", "sentinelone", "defender", "sophos"],
    "email_filter": ["none", "basic", "advanced"],
    "country": ["UK", "IE", "DE", "FR", "NL", "ES"],
}


def export_proposals(fname, n=900):
    cols = ["proposal_id"] + CATEGORICAL + CONTINUOUS + ["claimed"]
    with open(fname, "w", newline="") as out:
        w = csv.DictWriter(out, fieldnames=cols)
        w.writeheader()
        for i in range(n):
            p = {"proposal_id": f"CY{i:06d}"}
            for c in CATEGORICAL:
                p[c] = random.choice(ANSWERS[c])
            if i >= 780:
                p["edr_vendor"] = random.choice(ANSWERS["edr_vendor"] + ["trendmicro", "eset"])
            p["revenue_musd"] = round(random.lognormvariate(1.5, 1.0), 3)
            p["employees"] = random.randint(3, 400)
            p["endpoints"] = p["employees"] + random.randint(0, 60)
            p["open_ports"] = random.randint(0, 25)
            hazard = 0.05 + 0.12 * (p["mfa_status"] == "none") + 0.1 * (p["backup_regime"] == "none")
            p["claimed"] = int(random.random() < hazard)
            w.writerow(p)


def import_proposals(fname):
    with open(fname, newline="") as f:
        return [dict(r) for r in csv.DictReader(f)]


class Preprocessor:
    def __init__(self, rows):
        self.lookup = {}
        for c in CATEGORICAL:
            self.lookup[c] = {"<unk>": 0}
            for r in rows:
                self.lookup[c].setdefault(r[c], len(self.lookup[c]))
        self.centre, self.scale = {}, {}
        for c in CONTINUOUS:
            col = torch.tensor([float(r[c]) for r in rows])
            if c in ("revenue_musd", "employees", "endpoints"):
                col = torch.log1p(col)
            self.centre[c], self.scale[c] = col.mean().item(), col.std().item()

    def __call__(self, rows):
        cat = torch.tensor([[self.lookup[c].get(r[c], 0) for c in CATEGORICAL] for r in rows])
        num = torch.empty(len(rows), len(CONTINUOUS))
        for j, c in enumerate(CONTINUOUS):
            col = torch.tensor([float(r[c]) for r in rows])
            if c in ("revenue_musd", "employees", "endpoints"):
                col = torch.log1p(col)
            num[:, j] = (col - self.centre[c]) / self.scale[c]
        lab = torch.tensor([float(r["claimed"]) for r in rows])
        return cat, num, lab


class CyberTabTransformer(nn.Module):
    def __init__(self, lookup, dim=16, heads=2, depth=2):
        super().__init__()
        self.embeds = nn.ModuleList(nn.Embedding(len(lookup[c]), dim) for c in CATEGORICAL)
        block = nn.TransformerEncoderLayer(d_model=dim, nhead=heads, dim_feedforward=4 * dim, dropout=0.1)
        self.transformer = nn.TransformerEncoder(block, num_layers=depth)
        self.norm = nn.LayerNorm(len(CONTINUOUS))
        self.mlp = nn.Sequential(
            nn.Linear(len(CATEGORICAL) * dim + len(CONTINUOUS), 64),
            nn.GELU(),
            nn.Linear(64, 1),
        )

    def forward(self, cat, num):
        batch = cat.shape[0]
        tokens = torch.stack([e(cat[:, k]) for k, e in enumerate(self.embeds)])   # (fields, batch, dim)
        ctx = self.transformer(tokens)
        flat = ctx.transpose(0, 1).reshape(batch, -1)
        return self.mlp(torch.cat([flat, self.norm(num)], dim=1)).squeeze(1)


def main():
    folder = tempfile.mkdtemp()
    fname = os.path.join(folder, "sme_cyber_proposals.csv")
    export_proposals(fname)
    rows = import_proposals(fname)
    train_rows, holdout_rows = rows[:780], rows[780:]

    prep = Preprocessor(train_rows)
    x_cat, x_num, y = prep(train_rows)
    h_cat, h_num, h_y = prep(holdout_rows)

    model = CyberTabTransformer(prep.lookup)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))

    for epoch in range(6):
        model.train()
        idx_all = torch.randperm(len(y))
        running = []
        for i in range(0, len(idx_all), 32):
            ix = idx_all[i:i + 32]
            loss = bce(model(x_cat[ix], x_num[ix]), y[ix])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        model.eval()
        with torch.no_grad():
            hold = bce(model(h_cat, h_num), h_y).item()
        print(f"[{epoch}] train {sum(running) / len(running):.4f}  holdout {hold:.4f}")


if __name__ == "__main__":
    main()
