# %% [markdown]
# # Berth delay classifier — port call narratives
# Exported from `berth_delay_bert.ipynb`. Each port call is described by a
# vessel block, a route block and a cargo block; we classify whether the
# call ended up waiting at anchorage for more than 12h.

# %%
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "port_vocab.txt")

# %%
VESSEL_TYPES = ["container", "bulker", "tanker", "roro", "reefer", "lng"]
PORTS = ["nlrtm", "sgsin", "cnsha", "deham", "beanr", "usnyc", "krpus", "aejea"]
CARGO = ["teu", "coal", "crude", "grain", "cars", "fruit", "gas", "steel"]
FLAGS = ["pa", "lr", "mh", "sg", "mt", "hk"]
WORDS = ["from", "to", "via", "flag", "draft", "loa", "laden", "ballast",
         "tons", "units", "hazmat", "priority", "transship", "eta", "late", "early"]
NUMS = [str(n) for n in range(0, 25)]

special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
vocab_tokens = special + VESSEL_TYPES + PORTS + CARGO + FLAGS + WORDS + NUMS
with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(vocab_tokens) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)
print("vocab size:", tokenizer.vocab_size)

# %%
MAX_LEN = 48
N_SEGMENTS = 2
N_LABELS = 2

def make_call():
    vt = random.choice(VESSEL_TYPES)
    src, dst = random.sample(PORTS, 2)
    vessel = f"{vt} flag {random.choice(FLAGS)} draft {random.randint(6, 16)} loa {random.randint(3, 24)}"
    route = f"from {src} to {dst}" + (f" via {random.choice(PORTS)}" if random.random() < 0.4 else "")
    cargo_kind = random.choice(CARGO)
    cargo = f"{random.choice(['laden', 'ballast'])} {cargo_kind} {random.randint(1, 24)} tons"
    if random.random() < 0.3:
        cargo += " hazmat"
    late = int(vt in ("tanker", "lng") or "hazmat" in cargo or dst in ("cnsha", "sgsin"))
    if random.random() < 0.1:
        late = 1 - late
    return {"vessel": vessel, "route": route, "cargo": cargo, "label": late}

calls = [make_call() for _ in range(240)]
split = int(0.8 * len(calls))
train_calls, valid_calls = calls[:split], calls[split:]
print(len(train_calls), len(valid_calls), "late share:", np.mean([c["label"] for c in calls]))

# %%
config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=N_SEGMENTS,
    num_labels=N_LABELS,
)
model = BertForSequenceClassification(config)

# quick smoke test with the vessel/route pair encoding
enc = tokenizer(train_calls[0]["vessel"], train_calls[0]["route"], return_tensors="pt")
with torch.no_grad():
    out = model(**enc)
print("smoke logits:", out.logits.shape)

# %% [markdown]
# Pair encoding drops the cargo block. Build the three-block encoding by hand,
# one segment id per block, so the model can tell the blocks apart.

# %%
SECTIONS = ["vessel", "route", "cargo"]

def encode_call(call):
    ids = [tokenizer.cls_token_id]
    types = [0]
    for seg, section in enumerate(SECTIONS):
        toks = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(call[section]))
        ids.extend(toks + [tokenizer.sep_token_id])
        types.extend([seg] * (len(toks) + 1))
    ids, types = ids[:MAX_LEN], types[:MAX_LEN]
    return {"input_ids": ids, "token_type_ids": types, "label": call["label"]}

def collate(rows):
    width = max(len(r["input_ids"]) for r in rows)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": [], "labels": []}
    for r in rows:
        pad = width - len(r["input_ids"])
        batch["input_ids"].append(r["input_ids"] + [tokenizer.pad_token_id] * pad)
        batch["token_type_ids"].append(r["token_type_ids"] + [0] * pad)
        batch["attention_mask"].append([1] * len(r["input_ids"]) + [0] * pad)
        batch["labels"].append(r["label"])
    return {k: torch.tensor(v) for k, v in batch.items()}

train_rows = [encode_call(c) for c in train_calls]
valid_rows = [encode_call(c) for c in valid_calls]
train_loader = DataLoader(train_rows, batch_size=16, shuffle=True, collate_fn=collate)
valid_loader = DataLoader(valid_rows, batch_size=32, shuffle=False, collate_fn=collate)

# %%
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
EPOCHS = 3

for epoch in range(EPOCHS):
    model.train()
    running = 0.0
    for batch in train_loader:
        optimizer.zero_grad()
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        running += out.loss.item() * batch["labels"].size(0)
    print(f"epoch {epoch}: train loss {running / len(train_rows):.4f}")

# %%
model.eval()
correct = 0
with torch.no_grad():
    for batch in valid_loader:
        logits = model(**batch).logits
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
print(f"valid accuracy: {correct / len(valid_rows):.3f}")
