import csv
import io
import random
from collections import Counter

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel

random.seed(42)
np.random.seed(42)
torch.manual_seed(42)

CATEGORICAL = ["property_type", "neighbourhood", "room_type", "cancellation"]
NUMERIC = ["accommodates", "bedrooms", "review_score", "nights_min", "host_years"]
N_FEATURES = len(CATEGORICAL) + len(NUMERIC)


def fake_listings(n=200):
    options = {
        "property_type": ["apartment", "house", "loft", "condo", "cabin"],
        "neighbourhood": [f"nb{i:02d}" for i in range(12)],
        "room_type": ["entire", "private", "shared"],
        "cancellation": ["flexible", "moderate", "strict"],
    }
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CATEGORICAL + NUMERIC + ["price"])
    for _ in range(n):
        cats = [random.choice(options[c]) for c in CATEGORICAL]
        acc = random.randint(1, 8)
        nums = [
            acc,
            max(1, acc // 2 + random.randint(-1, 1)),
            round(random.uniform(3.0, 5.0), 2) if random.random() > 0.2 else "",
            random.choice([1, 2, 3, 7, 30]),
            random.randint(0, 12) if random.random() > 0.1 else "",
        ]
        price = 40 + 25 * acc + (30 if cats[2] == "entire" else 0) + random.gauss(0, 15)
        w.writerow(cats + nums + [f"{price:.2f}"])
    return out.getvalue()


CSV_TEXT = fake_listings()
rows = list(csv.DictReader(io.StringIO(CSV_TEXT)))

counts = {c: Counter(r[c] for r in rows) for c in CATEGORICAL}
vocab = {c: {v: i + 1 for i, (v, _) in enumerate(counts[c].most_common())} for c in CATEGORICAL}
cardinality = {c: len(vocab[c]) + 1 for c in CATEGORICAL}

numeric_matrix = np.array(
    [[float(r[c]) if r[c] != "" else np.nan for c in NUMERIC] for r in rows], dtype=np.float32
)
col_mean = np.nanmean(numeric_matrix, axis=0)
col_std = np.nanstd(numeric_matrix, axis=0) + 1e-6
missing = np.isnan(numeric_matrix)
numeric_matrix = np.where(missing, col_mean, numeric_matrix)
numeric_matrix = (numeric_matrix - col_mean) / col_std

cat_matrix = np.array([[vocab[c][r[c]] for c in CATEGORICAL] for r in rows], dtype=np.int64)
prices = np.log(np.array([float(r["price"]) for r in rows], dtype=np.float32))
price_mu, price_sd = prices.mean(), prices.std()
targets = (prices - price_mu) / price_sd

dataset = TensorDataset(
    torch.from_numpy(cat_matrix),
    torch.from_numpy(numeric_matrix.astype(np.float32)),
    torch.from_numpy(missing.astype(np.int64)),
    torch.from_numpy(targets),
)
train_set, valid_set = torch.utils.data.random_split(dataset, [160, 40])


class ListingEncoder(nn.Module):
    def __init__(self, cardinality, n_numeric, d_model=32):
        super().__init__()
        self.cat_tables = nn.ModuleDict({c: nn.Embedding(k, d_model) for c, k in cardinality.items()})
        self.num_proj = nn.Parameter(torch.randn(n_numeric, d_model) * 0.1)
        self.num_missing = nn.Embedding(2, d_model)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model))
        config = BertConfig(
            vocab_size=2,
            hidden_size=d_model,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=N_FEATURES + 1,
            type_vocab_size=1,
            hidden_dropout_prob=0.1,
        )
        self.bert = BertModel(config, add_pooling_layer=False)
        self.regressor = nn.Linear(d_model, 1)

    def forward(self, cats, nums, miss):
        cat_tok = [self.cat_tables[c](cats[:, i]) for i, c in enumerate(self.cat_tables)]
        num_tok = nums.unsqueeze(-1) * self.num_proj + self.num_missing(miss)
        tokens = torch.cat([torch.stack(cat_tok, dim=1), num_tok], dim=1)
        tokens = torch.cat([self.cls_token.expand(tokens.size(0), -1, -1), tokens], dim=1)
        hidden = self.bert(inputs_embeds=tokens).last_hidden_state
        return self.regressor(hidden[:, 0]).squeeze(-1)


model = ListingEncoder(cardinality, len(NUMERIC))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

for epoch in range(3):
    model.train()
    for cats, nums, miss, y in DataLoader(train_set, batch_size=16, shuffle=True):
        loss = nn.functional.mse_loss(model(cats, nums, miss), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        errs = [
            (model(c, n, m) - y).pow(2).mean().item()
            for c, n, m, y in DataLoader(valid_set, batch_size=40)
        ]
    print(f"epoch {epoch} valid mse {np.mean(errs):.4f}")
