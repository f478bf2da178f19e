# %% [markdown]
# Possession outcome model: encode the event chain of a possession with a tiny BERT
# and combine it with game-state context to predict how the possession ends.

# %%
import itertools
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

cfg = {
    "seed": 2024,
    "n_possessions": 400,
    "max_events": 14,
    "d_model": 32,
    "heads": 2,
    "n_context": 3,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
}
OUTCOMES = ["shot", "turnover", "out_of_play"]

random.seed(cfg["seed"])
np.random.seed(cfg["seed"])
torch.manual_seed(cfg["seed"])
base = os.path.dirname(os.path.abspath(__file__))

# %%
ACTIONS = ["pass", "carry", "dribble", "cross", "shot", "tackle", "clearance", "foul"]
ZONES = [f"z{i}" for i in range(18)]
RESULTS = ["succ", "fail"]
vocab_file = os.path.join(base, "event_vocab.txt")
with open(vocab_file, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + ACTIONS + ZONES + RESULTS) + "\n")
tokenizer = BertTokenizer(vocab_file)

# %%
def fake_possession():
    n = random.randint(3, cfg["max_events"])
    zone = random.randint(0, 8)
    chain = []
    for _ in range(n):
        act = random.choices(ACTIONS[:4], weights=[6, 3, 1, 1])[0]
        zone = min(17, max(0, zone + random.choice([-1, 0, 1, 2, 3])))
        chain.append((act, f"z{zone}", random.choice(RESULTS)))
    outcome = 0 if zone >= 14 and random.random() < 0.7 else random.choice([1, 2])
    if outcome == 0:
        chain.append(("shot", f"z{zone}", "succ"))
    ctx = {
        "minute": random.uniform(0, 95),
        "score_diff": random.choice([-2, -1, 0, 0, 1, 2]),
        "is_home": random.random() < 0.5,
        "red_cards_diff": random.choice([0, 0, 0, 0, -1, 1]),
    }
    return {"chain": chain, "ctx": ctx, "label": outcome}

possessions = [fake_possession() for _ in range(cfg["n_possessions"])]
chain_text = lambda p: " ".join(itertools.chain.from_iterable(p["chain"]))
print(chain_text(possessions[0]))
print(tokenizer.tokenize(chain_text(possessions[0]))[:12])

# %%
def context_vector(ctx):
    return [
        ctx["minute"] / 95.0,
        ctx["score_diff"] / 2.0,
        float(ctx["is_home"]),
        float(ctx["red_cards_diff"]),
    ]

def collate(batch):
    enc = tokenizer(
        [chain_text(p) for p in batch],
        padding=True,
        truncation=True,
        max_length=3 * (cfg["max_events"] + 1) + 2,
        return_tensors="pt",
    )
    enc["context"] = torch.tensor([context_vector(p["ctx"]) for p in batch], dtype=torch.float32)
    enc["labels"] = torch.tensor([p["label"] for p in batch])
    return enc

split = int(0.8 * len(possessions))
train_loader = DataLoader(possessions[:split], batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
val_loader = DataLoader(possessions[split:], batch_size=cfg["batch_size"], collate_fn=collate)

# %%
bert_cfg = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=cfg["d_model"],
    num_hidden_layers=1,
    num_attention_heads=cfg["heads"],
    intermediate_size=2 * cfg["d_model"],
    max_position_embeddings=64,
    pad_token_id=tokenizer.pad_token_id,
)

class PossessionModel(nn.Module):
    def __init__(self, bert_cfg, n_context, n_out):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(bert_cfg.hidden_size + n_context, 64),
            nn.ReLU(),
            nn.Linear(64, n_out),
        )

    def forward(self, input_ids, attention_mask, token_type_ids, context):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        cls = h[:, 0]
        return self.head(torch.cat([cls, context], dim=-1))

net = PossessionModel(bert_cfg, cfg["n_context"], len(OUTCOMES))
opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=0.01)
loss_fn = nn.CrossEntropyLoss()

# %%
for epoch in range(cfg["epochs"]):
    net.train()
    losses = []
    for batch in train_loader:
        labels = batch.pop("labels")
        logits = net(**batch)
        loss = loss_fn(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in val_loader:
            labels = batch.pop("labels")
            correct += (net(**batch).argmax(-1) == labels).sum().item()
            total += len(labels)
    print(f"epoch {epoch}: train loss {np.mean(losses):.3f}  val acc {correct / total:.2%}")

# %%
sample = collate(possessions[split:split + 4])
sample.pop("labels")
with torch.no_grad():
    probs = net(**sample).softmax(-1)
for p, pr in zip(possessions[split:split + 4], probs):
    print(OUTCOMES[p["label"]], {k: round(v, 2) for k, v in zip(OUTCOMES, pr.tolist())})
