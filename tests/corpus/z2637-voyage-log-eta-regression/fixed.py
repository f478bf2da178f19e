# %% [markdown]
# # Voyage event log -> remaining days at sea
# Notebook export. Each voyage is a log of AIS-derived events
# (depart / transit / anchor / berth ...). A tiny BERT encoder + linear head
# regresses total voyage duration in days.

# %%
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

workdir = os.path.dirname(os.path.abspath(__file__))

# %%
EVENTS = ["depart", "transit", "anchor", "berth", "bunker", "pilot", "canal", "drift", "arrive"]
PORTS = ["nlrtm", "sgsin", "cnsha", "cnngb", "deham", "beanr", "lkcmb", "egpsd", "esalg", "mypkg"]
ZONES = ["malacca", "suez", "gibraltar", "redsea", "indian", "channel", "northsea", "scs"]
EXTRA = ["slow", "fast", "weather", "congestion", "queue"]

vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + EVENTS + PORTS + ZONES + EXTRA
vocab_file = os.path.join(workdir, "voyage_vocab.txt")
with open(vocab_file, "w") as f:
    for tok in vocab:
        f.write(tok + "\n")
tok = BertTokenizer(vocab_file)

# %%
@dataclass
class Voyage:
    imo: int
    legs: list = field(default_factory=list)
    days: float = 0.0

    def as_text(self):
        return " ".join(self.legs)

def voyage_stream(n, min_calls, max_calls):
    for i in range(n):
        v = Voyage(imo=9_000_000 + i)
        n_calls = int(rng.integers(min_calls, max_calls + 1))
        route = rng.choice(PORTS, size=n_calls)
        for p in route:
            v.legs += ["depart", str(p)]
            for _ in range(int(rng.integers(1, 4))):
                v.legs += ["transit", str(rng.choice(ZONES))]
                if rng.random() < 0.3:
                    v.legs.append(str(rng.choice(EXTRA)))
                    v.days += 0.8
                v.days += float(rng.uniform(1.0, 3.0))
            v.legs += ["anchor" if rng.random() < 0.5 else "pilot", "berth", str(p)]
            v.days += float(rng.uniform(0.5, 2.0))
        v.legs += ["arrive"]
        yield v

feeder_voyages = list(voyage_stream(300, 1, 4))
longhaul_voyages = list(voyage_stream(40, 5, 9))
print("feeder:", len(feeder_voyages), "long-haul:", len(longhaul_voyages))
print(feeder_voyages[0].as_text())

# %%
MAX_TOKENS = 64

cfg = BertConfig(
    vocab_size=len(vocab),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_TOKENS,
)

class VoyageRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Sequential(nn.Linear(cfg.hidden_size, 16), nn.GELU(), nn.Linear(16, 1))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)

net = VoyageRegressor(cfg)

# %%
train_enc = tok([v.as_text() for v in feeder_voyages], padding=True, truncation=True,
                max_length=MAX_TOKENS, return_tensors="pt")
y_train = torch.tensor([v.days for v in feeder_voyages], dtype=torch.float32)
y_mean, y_std = y_train.mean(), y_train.std()
print("train ids:", tuple(train_enc["input_ids"].shape), "mean days:", round(y_mean.item(), 2))

# %%
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.SmoothL1Loss()
bs = 32
for epoch in range(4):
    net.train()
    perm = torch.randperm(len(y_train))
    total = 0.0
    for s in range(0, len(perm), bs):
        idx = perm[s:s + bs]
        batch = {k: v[idx] for k, v in train_enc.items()}
        pred = net(**batch)
        loss = loss_fn(pred, (y_train[idx] - y_mean) / y_std)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch} loss {total / len(y_train):.4f}")

# %% [markdown]
# Score the long-haul services (Asia-Europe loops) with the feeder-trained model.

# %%
longhaul_enc = tok([v.as_text() for v in longhaul_voyages], padding=True, truncation=True,
                   max_length=MAX_TOKENS, return_tensors="pt")
y_long = torch.tensor([v.days for v in longhaul_voyages])

net.eval()
with torch.no_grad():
    pred_days = net(**longhaul_enc) * y_std + y_mean
mae = (pred_days - y_long).abs().mean().item()
print(f"long-haul MAE: {mae:.2f} days")
worst = torch.argsort((pred_days - y_long).abs(), descending=True)[:5]
for i in worst.tolist():
    print(longhaul_voyages[i].imo, round(y_long[i].item(), 1), round(pred_days[i].item(), 1))
