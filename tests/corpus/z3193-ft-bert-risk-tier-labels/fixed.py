import csv
import io
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

rng = np.random.default_rng(11)
torch.manual_seed(11)


def synth_loans(n=360):
    header = ["employment", "home_ownership", "purpose", "state", "income", "loan_amnt", "dti", "risk_tier"]
    lines = [",".join(header)]
    for _ in range(n):
        emp = rng.choice(["salaried", "self", "contract", "retired", ""])
        home = rng.choice(["rent", "own", "mortgage"])
        purpose = rng.choice(["car", "debt", "home", "medical", "education", "other"])
        state = rng.choice(["CA", "TX", "NY", "FL", "WA", "IL", "OH"])
        income = "" if rng.random() < 0.07 else f"{rng.lognormal(10.8, 0.4):.0f}"
        amount = f"{rng.uniform(1000, 40000):.0f}"
        dti = "" if rng.random() < 0.12 else f"{rng.uniform(0, 45):.1f}"
        tier = str(int(rng.integers(1, 5)))
        lines.append(",".join([emp, home, purpose, state, income, amount, dti, tier]))
    return "\n".join(lines) + "\n"


LOANS_CSV = synth_loans()


@dataclass
class TabSpec:
    cat_cols: list = field(default_factory=lambda: ["employment", "home_ownership", "purpose", "state"])
    num_cols: list = field(default_factory=lambda: ["income", "loan_amnt", "dti"])
    target: str = "risk_tier"
    d_token: int = 32
    missing_token: str = "__missing__"


def fit_schema(records, spec):
    cat_maps = {}
    for col in spec.cat_cols:
        levels = sorted({rec[col] or spec.missing_token for rec in records})
        cat_maps[col] = {lvl: i for i, lvl in enumerate(levels)}
    num_stats = {}
    for col in spec.num_cols:
        arr = np.array([float(rec[col]) for rec in records if rec[col]])
        num_stats[col] = {"mean": float(arr.mean()), "std": float(arr.std()) or 1.0, "fill": float(np.median(arr))}
    classes = sorted({rec[spec.target] for rec in records})
    return cat_maps, num_stats, classes


class LoanRows(Dataset):
    def __init__(self, records, spec, cat_maps, num_stats):
        self.items = []
        for rec in records:
            cat = [cat_maps[c][rec[c] or spec.missing_token] for c in spec.cat_cols]
            num = []
            for c in spec.num_cols:
                s = num_stats[c]
                raw = float(rec[c]) if rec[c] else s["fill"]
                num.append((raw - s["mean"]) / s["std"])
            label = int(rec[spec.target]) - 1
            self.items.append({"cat": torch.tensor(cat), "num": torch.tensor(num, dtype=torch.float32),
                               "label": torch.tensor(label)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class FTBert(nn.Module):
    def __init__(self, spec, cat_maps, n_classes):
        super().__init__()
        d = spec.d_token
        n_tokens = 1 + len(spec.cat_cols) + len(spec.num_cols)
        self.cat_emb = nn.ModuleList([nn.Embedding(len(cat_maps[c]), d) for c in spec.cat_cols])
        self.num_w = nn.Parameter(torch.randn(len(spec.num_cols), d) * 0.02)
        self.num_b = nn.Parameter(torch.zeros(len(spec.num_cols), d))
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        cfg = BertConfig(vocab_size=4, hidden_size=d, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=n_tokens + 2,
                         hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)
        self.backbone = BertModel(cfg, add_pooling_layer=False)
        self.classifier = nn.Linear(d, n_classes)

    def forward(self, cat, num):
        cat_tok = torch.stack([emb(cat[:, j]) for j, emb in enumerate(self.cat_emb)], dim=1)
        num_tok = num.unsqueeze(-1) * self.num_w + self.num_b
        cls = self.cls.expand(cat.size(0), -1, -1)
        x = torch.cat([cls, cat_tok, num_tok], dim=1)
        out = self.backbone(inputs_embeds=x).last_hidden_state
        return self.classifier(out[:, 0])


def run():
    spec = TabSpec()
    records = list(csv.DictReader(io.StringIO(LOANS_CSV)))
    split = int(len(records) * 0.75)
    train_recs, test_recs = records[:split], records[split:]
    cat_maps, num_stats, classes = fit_schema(train_recs, spec)

    train_dl = DataLoader(LoanRows(train_recs, spec, cat_maps, num_stats), batch_size=32, shuffle=True)
    test_dl = DataLoader(LoanRows(test_recs, spec, cat_maps, num_stats), batch_size=64)

    model = FTBert(spec, cat_maps, n_classes=len(classes))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        model.train()
        for batch in train_dl:
            logits = model(batch["cat"], batch["num"])
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
        model.eval()
        correct = seen = 0
        with torch.no_grad():
            for batch in test_dl:
                pred = model(batch["cat"], batch["num"]).argmax(-1)
                correct += (pred == batch["label"]).sum().item()
                seen += len(pred)
        print(f"epoch {epoch}: loss {loss.item():.3f} test acc {correct / seen:.3f}")


if __name__ == "__main__":
    run()
