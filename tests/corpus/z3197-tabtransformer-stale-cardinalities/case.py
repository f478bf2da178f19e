import csv
import io
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def synth_loans(n=300):
    grades = list("ABCDEFG")
    purposes = ["car", "home", "debt", "medical", "wedding", "other"]
    states = ["CA", "TX", "NY", "FL", "WA", "IL", "OH"]
    lines = ["grade,purpose,state,income,loan_amnt,dti,loan_id,default"]
    for i in range(n):
        g = random.choice(grades)
        income = "" if random.random() < 0.05 else f"{random.lognormvariate(10.8, 0.4):.0f}"
        amnt = random.randint(1000, 35000)
        dti = f"{random.uniform(0, 40):.1f}"
        risk = grades.index(g) / 6 + amnt / 70000
        y = int(random.random() < risk * 0.6)
        lines.append(f"{g},{random.choice(purposes)},{random.choice(states)},{income},{amnt},{dti},L{100000 + i},{y}")
    return "\n".join(lines) + "\n"


CSV_TEXT = synth_loans()
LABEL = "default"


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


@dataclass
class Schema:
    categorical: list = field(default_factory=list)
    numerical: list = field(default_factory=list)
    cardinality: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    mean: dict = field(default_factory=dict)
    std: dict = field(default_factory=dict)


def infer_schema(records):
    schema = Schema()
    for col in records[0].keys():
        if col == LABEL:
            continue
        present = [r[col] for r in records if r[col] != ""]
        if all(is_number(v) for v in present):
            vals = np.array(present, dtype=np.float64)
            schema.numerical.append(col)
            schema.mean[col], schema.std[col] = vals.mean(), vals.std() + 1e-8
        else:
            levels = sorted(set(present))
            schema.levels[col] = {lvl: k + 1 for k, lvl in enumerate(levels)}
            schema.cardinality[col] = len(levels) + 1
    n = len(records)
    schema.categorical = [c for c, card in schema.cardinality.items() if card - 1 < 0.5 * n]
    return schema


class LoanRows(Dataset):
    def __init__(self, records, schema):
        self.records = records
        self.schema = schema

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        r = self.records[idx]
        s = self.schema
        cats = [s.levels[c].get(r[c], 0) for c in s.categorical]
        nums, miss = [], []
        for c in s.numerical:
            missing = r[c] == ""
            nums.append(0.0 if missing else (float(r[c]) - s.mean[c]) / s.std[c])
            miss.append(float(missing))
        return {
            "cat": torch.tensor(cats, dtype=torch.long),
            "num": torch.tensor(nums + miss, dtype=torch.float32),
            "y": torch.tensor(float(r[LABEL])),
        }


class TabTransformer(nn.Module):
    def __init__(self, cardinalities, n_cont, dim=32, depth=2, heads=4):
        super().__init__()
        self.embeds = nn.ModuleList(nn.Embedding(card, dim) for card in cardinalities)
        self.col_embed = nn.Parameter(torch.randn(len(cardinalities), dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.cont_norm = nn.LayerNorm(n_cont)
        self.mlp = nn.Sequential(
            nn.Linear(dim * len(cardinalities) + n_cont, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 1)
        )

    def forward(self, x_cat, x_cont):
        cols = []
        for i in range(len(self.embeds)):
            cols.append(self.embeds[i](x_cat[:, i]))
        h = torch.stack(cols, dim=1) + self.col_embed
        h = self.transformer(h).flatten(1)
        return self.mlp(torch.cat([h, self.cont_norm(x_cont)], dim=1)).squeeze(-1)


def run():
    records = list(csv.DictReader(io.StringIO(CSV_TEXT)))
    random.shuffle(records)
    cut = int(len(records) * 0.8)
    train, valid = records[:cut], records[cut:]

    schema = infer_schema(train)
    print("categorical:", schema.categorical, "numerical:", schema.numerical)

    train_dl = DataLoader(LoanRows(train, schema), batch_size=32, shuffle=True)
    valid_dl = DataLoader(LoanRows(valid, schema), batch_size=64)

    model = TabTransformer(list(schema.cardinality.values()), 2 * len(schema.numerical))
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(4):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["cat"], batch["num"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        model.eval()
        with torch.no_grad():
            preds, ys = [], []
            for batch in valid_dl:
                preds.append(torch.sigmoid(model(batch["cat"], batch["num"])))
                ys.append(batch["y"])
            acc = ((torch.cat(preds) > 0.5).float() == torch.cat(ys)).float().mean()
        print(f"epoch {epoch}: train_loss={running / len(train_dl):.4f} valid_acc={acc:.3f}")


if __name__ == "__main__":
    run()
