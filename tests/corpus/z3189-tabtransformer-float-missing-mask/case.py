import csv
import io
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(1234)
torch.manual_seed(1234)


def synth_loans(n=300):
    grades = ["A", "B", "C", "D", "E"]
    purposes = ["car", "home", "debt", "medical", "education", "other"]
    states = ["CA", "TX", "NY", "FL", "WA", "IL", "OH"]
    lines = ["grade,purpose,state,income,dti,revol_util,default"]
    for _ in range(n):
        g = rng.choice(grades)
        income = "" if rng.random() < 0.07 else f"{rng.lognormal(10.8, 0.4):.0f}"
        dti = "" if rng.random() < 0.1 else f"{rng.uniform(0, 40):.1f}"
        util = "" if rng.random() < 0.15 else f"{rng.uniform(0, 100):.1f}"
        y = int(g in ("D", "E") and rng.random() < 0.6)
        lines.append(f"{g},{rng.choice(purposes)},{rng.choice(states)},{income},{dti},{util},{y}")
    return "\n".join(lines) + "\n"


LOANS_CSV = synth_loans()


@dataclass
class Schema:
    categorical: list = field(default_factory=lambda: ["grade", "purpose", "state"])
    numerical: list = field(default_factory=lambda: ["income", "dti", "revol_util"])
    target: str = "default"
    levels: dict = field(default_factory=dict)
    mean: dict = field(default_factory=dict)
    std: dict = field(default_factory=dict)

    def fit(self, records):
        for c in self.categorical:
            self.levels[c] = ["<unk>"] + sorted({r[c] for r in records})
        for c in self.numerical:
            xs = np.array([float(r[c]) for r in records if r[c]])
            self.mean[c], self.std[c] = float(xs.mean()), float(xs.std())
        return self

    @property
    def cardinalities(self):
        return [len(self.levels[c]) for c in self.categorical]


def to_tensors(records, schema):
    lookup = {c: {v: i for i, v in enumerate(schema.levels[c])} for c in schema.categorical}
    cat_ids = torch.tensor([[lookup[c].get(r[c], 0) for c in schema.categorical] for r in records])
    raw = np.array([[float(r[c]) if r[c] else np.nan for c in schema.numerical] for r in records])
    is_missing = np.isnan(raw).astype(np.float32)
    mu = np.array([schema.mean[c] for c in schema.numerical])
    sd = np.array([schema.std[c] for c in schema.numerical])
    normed = np.nan_to_num((raw - mu) / sd, nan=0.0).astype(np.float32)
    target = torch.tensor([float(r[schema.target]) for r in records])
    return {
        "cat_ids": cat_ids,
        "num": torch.from_numpy(normed),
        "num_missing": torch.from_numpy(is_missing),
        "target": target,
    }


def minibatches(batch, size, shuffle=True):
    n = batch["target"].shape[0]
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for start in range(0, n, size):
        idx = order[start:start + size]
        yield {k: v[idx] for k, v in batch.items()}


class TabTransformer(nn.Module):
    def __init__(self, cardinalities, n_num, dim=32, depth=2, heads=4):
        super().__init__()
        self.col_embeds = nn.ModuleList(nn.Embedding(k, dim) for k in cardinalities)
        self.col_type = nn.Parameter(torch.randn(len(cardinalities), dim) * 0.02)
        block = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.0, batch_first=True)
        self.context = nn.TransformerEncoder(block, depth, enable_nested_tensor=False)
        self.num_norm = nn.LayerNorm(n_num)
        self.missing_fill = nn.Parameter(torch.zeros(n_num))
        self.mlp = nn.Sequential(
            nn.Linear(len(cardinalities) * dim + 2 * n_num, 64), nn.GELU(), nn.Linear(64, 1)
        )

    def forward(self, cat_ids, num, num_missing):
        toks = torch.stack([e(cat_ids[:, i]) for i, e in enumerate(self.col_embeds)], 1)
        ctx = self.context(toks + self.col_type).flatten(1)
        num = num.masked_fill(num_missing, 0.0) + num_missing * self.missing_fill
        num = self.num_norm(num)
        return self.mlp(torch.cat([ctx, num, num_missing], dim=1)).squeeze(1)


def run():
    records = list(csv.DictReader(io.StringIO(LOANS_CSV)))
    cut = int(len(records) * 0.75)
    schema = Schema().fit(records[:cut])
    train = to_tensors(records[:cut], schema)
    valid = to_tensors(records[cut:], schema)
    print("cardinalities", schema.cardinalities)

    net = TabTransformer(schema.cardinalities, len(schema.numerical))
    optim = torch.optim.Adam(net.parameters(), lr=2e-3)
    pos_weight = torch.tensor((1 - train["target"].mean()) / train["target"].mean())

    for epoch in range(4):
        net.train()
        running = []
        for mb in minibatches(train, 32):
            out = net(mb["cat_ids"], mb["num"], mb["num_missing"])
            loss = F.binary_cross_entropy_with_logits(out, mb["target"], pos_weight=pos_weight)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        net.eval()
        with torch.no_grad():
            logits = net(valid["cat_ids"], valid["num"], valid["num_missing"])
            acc = ((logits > 0).float() == valid["target"]).float().mean().item()
        print(f"epoch {epoch}: train {np.mean(running):.4f} valid acc {acc:.3f}")


if __name__ == "__main__":
    run()
