import csv
import io
import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CAT_COLS = ["region", "plan", "channel"]
NUM_COLS = ["tenure_months", "monthly_spend", "support_calls"]
TARGET = "churned"


def make_csv(n_rows=240):
    regions = ["north", "south", "east", "west", "central"]
    plans = ["basic", "plus", "premium"]
    channels = ["web", "store", "phone", "partner"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CAT_COLS + NUM_COLS + [TARGET])
    writer.writeheader()
    for _ in range(n_rows):
        row = {
            "region": random.choice(regions) if random.random() > 0.08 else "",
            "plan": random.choice(plans),
            "channel": random.choice(channels) if random.random() > 0.12 else "",
            "tenure_months": f"{random.randint(1, 72)}" if random.random() > 0.05 else "",
            "monthly_spend": f"{random.uniform(10, 140):.2f}",
            "support_calls": f"{random.randint(0, 9)}" if random.random() > 0.1 else "",
        }
        row[TARGET] = int(float(row["monthly_spend"]) > 90 and random.random() > 0.3)
        writer.writerow(row)
    return buf.getvalue()


RAW = make_csv()


def read_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def build_vocabs(rows):
    vocabs = {}
    for col in CAT_COLS:
        levels = sorted({r[col] for r in rows if r[col] != ""})
        vocabs[col] = {lvl: i for i, lvl in enumerate(levels)}
    return vocabs


def column_stats(rows):
    stats = {}
    for col in NUM_COLS:
        vals = np.array([float(r[col]) for r in rows if r[col] != ""], dtype=np.float64)
        stats[col] = (vals.mean(), vals.std() + 1e-6)
    return stats


def encode(rows, vocabs, stats):
    cats, nums, miss, ys = [], [], [], []
    for r in rows:
        c = []
        for col in CAT_COLS:
            table = vocabs[col]
            c.append(table.get(r[col], len(table)))
        n, m = [], []
        for col in NUM_COLS:
            mu, sd = stats[col]
            if r[col] == "":
                n.append(0.0)
                m.append(1.0)
            else:
                n.append((float(r[col]) - mu) / sd)
                m.append(0.0)
        cats.append(c)
        nums.append(n)
        miss.append(m)
        ys.append(float(r[TARGET]))
    return (np.array(cats, dtype=np.int64), np.array(nums, dtype=np.float32),
            np.array(miss, dtype=np.float32), np.array(ys, dtype=np.float32))


class ChurnTable(Dataset):
    def __init__(self, cats, nums, miss, ys):
        self.cats, self.nums, self.miss, self.ys = cats, nums, miss, ys

    def __len__(self):
        return len(self.ys)

    def __getitem__(self, i):
        return {
            "cat": torch.from_numpy(self.cats[i]),
            "num": torch.from_numpy(np.concatenate([self.nums[i], self.miss[i]])),
            "y": torch.tensor(self.ys[i]),
        }


class FeatureTokenizer(nn.Module):
    def __init__(self, cardinalities, n_num, d_token):
        super().__init__()
        self.cat_embeds = nn.ModuleList([nn.Embedding(card, d_token) for card in cardinalities])
        self.num_weight = nn.Parameter(torch.randn(n_num, d_token) / math.sqrt(d_token))
        self.num_bias = nn.Parameter(torch.zeros(n_num, d_token))
        self.cls = nn.Parameter(torch.randn(1, 1, d_token) * 0.02)

    def forward(self, cat, num):
        cat_tokens = torch.stack([emb(cat[:, j]) for j, emb in enumerate(self.cat_embeds)], dim=1)
        num_tokens = num.unsqueeze(-1) * self.num_weight + self.num_bias
        cls = self.cls.expand(cat.size(0), -1, -1)
        return torch.cat([cls, cat_tokens, num_tokens], dim=1)


class FTTransformer(nn.Module):
    def __init__(self, cardinalities, n_num, d_token=32, n_heads=4, n_layers=2):
        super().__init__()
        self.tokenizer = FeatureTokenizer(cardinalities, n_num, d_token)
        layer = nn.TransformerEncoderLayer(d_token, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d_token), nn.ReLU(), nn.Linear(d_token, 1))

    def forward(self, cat, num):
        x = self.encoder(self.tokenizer(cat, num))
        return self.head(x[:, 0]).squeeze(-1)


def main():
    rows = read_rows(RAW)
    random.shuffle(rows)
    split = int(0.8 * len(rows))
    train_rows, valid_rows = rows[:split], rows[split:]

    vocabs = build_vocabs(train_rows)
    stats = column_stats(train_rows)
    cardinalities = [len(vocabs[c]) + 1 for c in CAT_COLS]
    print("cardinalities:", dict(zip(CAT_COLS, cardinalities)))

    train_ds = ChurnTable(*encode(train_rows, vocabs, stats))
    valid_ds = ChurnTable(*encode(valid_rows, vocabs, stats))
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    valid_dl = DataLoader(valid_ds, batch_size=64)

    model = FTTransformer(cardinalities, n_num=2 * len(NUM_COLS))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(3):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch["cat"], batch["num"])
            loss = loss_fn(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["y"])
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in valid_dl:
                pred = (model(batch["cat"], batch["num"]) > 0).float()
                correct += (pred == batch["y"]).sum().item()
        print(f"epoch {epoch} loss {total / len(train_ds):.4f} valid acc {correct / len(valid_ds):.3f}")


if __name__ == "__main__":
    main()
