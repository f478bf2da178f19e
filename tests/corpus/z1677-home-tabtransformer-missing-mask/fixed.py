"""Home buildings claim propensity - small TabTransformer.
Each categorical rating factor becomes one token; blanks in the bordereau
(surveyor did not record the field) are masked out of attention.
A learned [CLS] token summarises the property for the classifier head."""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

CAT_FIELDS = ["property_type", "construction", "roof_type", "flood_zone", "occupancy"]
NUM_FIELDS = ["sum_insured", "building_age", "bedrooms"]
LEVELS = {
    "property_type": ["detached", "semi", "terraced", "flat", "bungalow"],
    "construction": ["brick", "stone", "timber", "concrete", "prefab"],
    "roof_type": ["tile", "slate", "flat_felt", "thatch", "metal"],
    "flood_zone": ["Z1", "Z2", "Z3a", "Z3b"],
    "occupancy": ["owner", "let", "holiday", "unoccupied"],
}
MISSING, UNSEEN = 0, 1


def make_bordereau(path, n_rows=300):
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["policy_ref"] + CAT_FIELDS + NUM_FIELDS + ["claimed"])
        w.writeheader()
        for i in range(n_rows):
            row = {"policy_ref": f"HB{100000 + i}"}
            for f in CAT_FIELDS:
                # later policies come from a new broker using extra codes
                pool = LEVELS[f] + (["other"] if i > 250 else [])
                row[f] = "" if random.random() < 0.12 else random.choice(pool)
            row["sum_insured"] = round(random.uniform(150_000, 900_000), -3)
            row["building_age"] = random.randint(0, 180)
            row["bedrooms"] = random.randint(1, 6)
            risk = 0.08 + 0.10 * (row["flood_zone"] in ("Z3a", "Z3b")) + 0.06 * (row["roof_type"] == "thatch")
            row["claimed"] = int(random.random() < risk)
            w.writerow(row)


def fit_encoders(rows):
    vocab = {}
    for f in CAT_FIELDS:
        seen = sorted({r[f] for r in rows if r[f] != ""})
        vocab[f] = {lvl: k + 2 for k, lvl in enumerate(seen)}
    scale = {}
    for f in NUM_FIELDS:
        xs = [float(r[f]) for r in rows]
        mu = sum(xs) / len(xs)
        sd = (sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
        scale[f] = (mu, sd)
    return vocab, scale


def encode(rows, vocab, scale):
    codes, blanks, numerics, targets = [], [], [], []
    for r in rows:
        codes.append([MISSING if r[f] == "" else vocab[f].get(r[f], UNSEEN) for f in CAT_FIELDS])
        blanks.append([r[f] == "" for f in CAT_FIELDS])
        numerics.append([(float(r[f]) - scale[f][0]) / scale[f][1] for f in NUM_FIELDS])
        targets.append(float(r["claimed"]))
    return (torch.tensor(codes), torch.tensor(blanks), torch.tensor(numerics),
            torch.tensor(targets))


class HomeTabTransformer(nn.Module):
    def __init__(self, vocab, d_model=16, n_heads=2, n_layers=2):
        super().__init__()
        self.field_emb = nn.ModuleList([nn.Embedding(len(vocab[f]) + 2, d_model) for f in CAT_FIELDS])
        self.field_pos = nn.Parameter(torch.randn(len(CAT_FIELDS), d_model) * 0.02)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=32,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.num_norm = nn.LayerNorm(len(NUM_FIELDS))
        self.head = nn.Sequential(nn.Linear(d_model + len(NUM_FIELDS), 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, codes, blanks, numerics):
        tokens = torch.stack([emb(codes[:, j]) for j, emb in enumerate(self.field_emb)], dim=1)
        tokens = tokens + self.field_pos
        cls = self.cls.expand(tokens.size(0), -1, -1)
        seq = torch.cat([cls, tokens], dim=1)
        cls_visible = torch.zeros(blanks.size(0), 1, dtype=torch.bool)
        hidden = self.encoder(seq, src_key_padding_mask=torch.cat([cls_visible, blanks], dim=1))
        pooled = hidden[:, 0]
        return self.head(torch.cat([pooled, self.num_norm(numerics)], dim=1)).squeeze(-1)


def run():
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "home_bordereau.csv")
    make_bordereau(path)
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))

    random.shuffle(rows)
    cut = int(0.8 * len(rows))
    train_rows, valid_rows = rows[:cut], rows[cut:]
    vocab, scale = fit_encoders(train_rows)

    tr = encode(train_rows, vocab, scale)
    va = encode(valid_rows, vocab, scale)

    model = HomeTabTransformer(vocab)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    bs = 64
    n_train = tr[0].size(0)
    for epoch in range(1):
        model.train()
        order = torch.randperm(n_train)
        running = 0.0
        for s in range(0, n_train, bs):
            b = order[s:s + bs]
            logit = model(tr[0][b], tr[1][b], tr[2][b])
            loss = F.binary_cross_entropy_with_logits(logit, tr[3][b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            v_logit = model(va[0], va[1], va[2])
            v_loss = F.binary_cross_entropy_with_logits(v_logit, va[3]).item()
        print(f"epoch {epoch} train_bce={running / n_train:.4f} valid_bce={v_loss:.4f}")


if __name__ == "__main__":
    run()
