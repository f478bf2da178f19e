# Basketball play-by-play: possession outcome classifier + clutch-window scoring
# %%
import csv
import itertools
import os
import random
from collections import defaultdict

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

CFG = dict(seed=21, n_games=8, quarters=4, poss_per_quarter=24, max_len=64, dim=32,
           batch_size=12, lr=4e-4, epochs=2, clutch_last_n=10)
random.seed(CFG["seed"]); np.random.seed(CFG["seed"]); torch.manual_seed(CFG["seed"])

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
PBP_CSV = os.path.join(OUT_DIR, "pbp.csv")
VOCAB = os.path.join(OUT_DIR, "pbp_vocab.txt")

ACTIONS = ["inbound", "dribble", "pass", "screen", "drive", "post", "handoff", "iso"]
FINISH = {"make2": 1, "make3": 1, "ft": 1, "miss2": 0, "miss3": 0, "turnover": 0, "foul": 0}
SPOTS = ["paint", "left_wing", "right_wing", "top", "left_corner", "right_corner", "elbow"]

# %%
with open(PBP_CSV, "w", newline="") as fh:
    wr = csv.writer(fh)
    wr.writerow(["game", "quarter", "possession", "step", "action", "spot"])
    for g, q in itertools.product(range(CFG["n_games"]), range(1, CFG["quarters"] + 1)):
        for p in range(CFG["poss_per_quarter"]):
            n_steps = random.randint(2, 7)
            for s in range(n_steps):
                wr.writerow([g, q, p, s, random.choice(ACTIONS), random.choice(SPOTS)])
            wr.writerow([g, q, p, n_steps, random.choice(list(FINISH)), random.choice(SPOTS)])

with open(VOCAB, "w") as fh:
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "|"] + ACTIONS + list(FINISH) + SPOTS
    fh.write("\n".join(toks) + "\n")
tok = BertTokenizer(VOCAB)

# %%
possessions = defaultdict(list)
with open(PBP_CSV, newline="") as fh:
    for row in csv.DictReader(fh):
        key = (int(row["game"]), int(row["quarter"]), int(row["possession"]))
        possessions[key].append((row["action"], row["spot"]))

fmt = lambda steps: " | ".join(f"{a} {s}" for a, s in steps)
records = []
for key, steps in sorted(possessions.items()):
    *build_up, (last_action, _) = steps
    records.append({"key": key, "text": fmt(build_up), "label": FINISH[last_action]})
print(len(records), "possessions; scoring rate", np.mean([r["label"] for r in records]))

split = int(0.8 * len(records))
train_recs, val_recs = records[:split], records[split:]


def collate(batch):
    enc = tok([b["text"] for b in batch], padding=True, truncation=True,
              max_length=CFG["max_len"], return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "labels": torch.tensor([b["label"] for b in batch])}


train_dl = DataLoader(train_recs, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate)
val_dl = DataLoader(val_recs, batch_size=CFG["batch_size"], collate_fn=collate)

# %%
cfg = DistilBertConfig(vocab_size=len(tok), dim=CFG["dim"], n_layers=1, n_heads=2,
                       hidden_dim=2 * CFG["dim"], max_position_embeddings=CFG["max_len"],
                       pad_token_id=tok.pad_token_id, num_labels=2)
model = DistilBertForSequenceClassification(cfg)
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

# %%
def run_epoch(dl, train):
    model.train(train)
    tot, correct, n = 0.0, 0, 0
    for b in dl:
        with torch.set_grad_enabled(train):
            out = model(**b)
        if train:
            opt.zero_grad(); out.loss.backward(); opt.step()
        tot += out.loss.item() * len(b["labels"])
        correct += (out.logits.argmax(-1) == b["labels"]).sum().item()
        n += len(b["labels"])
    return tot / n, correct / n


for ep in range(CFG["epochs"]):
    tr = run_epoch(train_dl, True)
    va = run_epoch(val_dl, False)
    print(f"ep{ep} train loss/acc {tr[0]:.3f}/{tr[1]:.2f}  val {va[0]:.3f}/{va[1]:.2f}")

# %%
clutch = {}
for (g, q), grp in itertools.groupby(sorted(possessions), key=lambda k: k[:2]):
    if q == CFG["quarters"]:
        last = list(grp)[-CFG["clutch_last_n"]:]
        clutch[g] = " | ".join(fmt(possessions[k]) for k in last)

games = sorted(clutch)
model.eval()
with torch.no_grad():
    enc = tok([clutch[g] for g in games], padding=True, truncation=True,
              max_length=CFG["max_len"], return_tensors="pt")
    probs = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.softmax(-1)[:, 1]

for g, p in zip(games, probs.tolist()):
    print(f"game {g}: clutch execution score {p:.3f}")
