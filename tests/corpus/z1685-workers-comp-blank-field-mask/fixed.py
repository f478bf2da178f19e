"""Workers' compensation - will a lost-time claim stay open past 90 days?
TabTransformer-style: each categorical field of the first notice of loss is a
token (column embedding + level embedding); fields the adjuster left blank are
kept out of attention with a key padding mask. Numerics join after the encoder."""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn

random.seed(21)
torch.manual_seed(21)

FIELDS = ["injury_nature", "body_part", "cause", "industry_sic", "employer_size", "state"]
NUMERIC = ["age", "weekly_wage", "days_to_report"]
OPTIONS = {
    "injury_nature": ["strain", "fracture", "laceration", "contusion", "burn", "hernia"],
    "body_part": ["back", "knee", "shoulder", "hand", "head", "foot", "multiple"],
    "cause": ["lifting", "fall_level", "fall_height", "struck_by", "vehicle", "repetitive"],
    "industry_sic": ["1521", "2011", "4213", "5411", "8062", "7349"],
    "employer_size": ["micro", "small", "medium", "large"],
    "state": ["CA", "TX", "NY", "FL", "PA", "OH", "IL"],
}


def dump_fnol(path, n=1000):
    with open(path, "w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(["claim_id"] + FIELDS + NUMERIC + ["open_90d"])
        for k in range(n):
            vals = []
            for f in FIELDS:
                vals.append("" if random.random() < 0.15 else random.choice(OPTIONS[f]))
            age = random.randint(18, 67)
            wage = round(random.uniform(350, 2400), 2)
            lag = random.randint(0, 45)
            p = 0.2 + 0.25 * (vals[0] in ("fracture", "hernia")) + 0.004 * lag
            wr.writerow([f"WC-{k:05d}"] + vals + [age, wage, lag, int(random.random() < p)])


def load_fnol(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def fit_codebook(claims):
    book = {}
    for f in FIELDS:
        levels = sorted({c[f] for c in claims if c[f] != ""})
        book[f] = {lvl: j + 2 for j, lvl in enumerate(levels)}   # 0 blank, 1 unseen
    return book


def fit_scaler(claims):
    out = {}
    for f in NUMERIC:
        xs = [float(c[f]) for c in claims]
        m = sum(xs) / len(xs)
        s = (sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
        out[f] = (m, s)
    return out


def encode(claims, book, scaler):
    codes, blank, dense, target = [], [], [], []
    for c in claims:
        codes.append([0 if c[f] == "" else book[f].get(c[f], 1) for f in FIELDS])
        blank.append([1 if c[f] == "" else 0 for f in FIELDS])
        dense.append([(float(c[f]) - scaler[f][0]) / scaler[f][1] for f in NUMERIC])
        target.append(float(c["open_90d"]))
    return torch.tensor(codes), torch.tensor(blank, dtype=torch.bool), torch.tensor(dense), torch.tensor(target)


class FnolTransformer(nn.Module):
    def __init__(self, book, d=24):
        super().__init__()
        self.level_emb = nn.ModuleList([nn.Embedding(len(book[f]) + 2, d) for f in FIELDS])
        self.col_emb = nn.Parameter(torch.randn(len(FIELDS), d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=48, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Sequential(nn.Linear(len(FIELDS) * d + len(NUMERIC), 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, codes, blank, dense):
        tok = torch.stack([emb(codes[:, j]) for j, emb in enumerate(self.level_emb)], dim=1)
        tok = tok + self.col_emb
        ctx = self.encoder(tok, src_key_padding_mask=blank)
        return self.head(torch.cat([ctx.flatten(1), dense], dim=1)).squeeze(-1)


def main():
    workdir = tempfile.mkdtemp()
    csv_path = os.path.join(workdir, "fnol_extract.csv")
    dump_fnol(csv_path)
    claims = load_fnol(csv_path)
    random.shuffle(claims)
    n_train = 800
    train, valid = claims[:n_train], claims[n_train:]

    book = fit_codebook(train)
    scaler = fit_scaler(train)
    tr = encode(train, book, scaler)
    va = encode(valid, book, scaler)

    net = FnolTransformer(book)
    optim = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    crit = nn.BCEWithLogitsLoss()

    for ep in range(1):
        net.train()
        order = torch.randperm(n_train)
        for b in range(0, n_train, 50):
            sel = order[b:b + 50]
            logit = net(tr[0][sel], tr[1][sel], tr[2][sel])
            loss = crit(logit, tr[3][sel])
            optim.zero_grad()
            loss.backward()
            optim.step()
        net.eval()
        with torch.no_grad():
            v_logit = net(*va[:3])
            acc = ((v_logit > 0).float() == va[3]).float().mean().item()
        print(f"epoch {ep}: last train loss {loss.item():.4f}, valid acc {acc:.3f}")


if __name__ == "__main__":
    main()
