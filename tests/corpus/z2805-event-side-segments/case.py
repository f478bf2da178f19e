# Next-goal-side prediction from match event logs with a tiny BERT
# %%
import csv
import itertools
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CFG = {
    "seed": 3,
    "n_matches": 6,
    "events_per_match": 140,
    "window": 10,
    "stride": 5,
    "hidden": 32,
    "n_sides": 2,
    "max_len": 64,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 2,
}
random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

WORKDIR = os.path.dirname(os.path.abspath(__file__))
EVENTS_CSV = os.path.join(WORKDIR, "event_log.csv")
VOCAB_TXT = os.path.join(WORKDIR, "event_vocab.txt")

EVENT_TYPES = ["pass", "carry", "dribble", "shot", "tackle", "interception", "clearance", "cross"]
STOPPAGES = ["foul", "offside", "throw", "corner", "substitution"]
ZONES = [f"z{i}" for i in range(18)]

# %%
with open(EVENTS_CSV, "w", newline="") as fh:
    wr = csv.writer(fh)
    wr.writerow(["match_id", "seq", "minute", "side", "event", "zone"])
    for m in range(CFG["n_matches"]):
        minute = 0.0
        for s in range(CFG["events_per_match"]):
            minute += random.expovariate(1.5)
            if random.random() < 0.12:
                side, ev = "neutral", random.choice(STOPPAGES)
            else:
                side, ev = random.choice(["home", "away"]), random.choice(EVENT_TYPES)
            wr.writerow([m, s, f"{minute:.1f}", side, ev, random.choice(ZONES)])

with open(VOCAB_TXT, "w") as fh:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    fh.write("\n".join(specials + EVENT_TYPES + STOPPAGES + ZONES + ["home", "away", "neutral"]) + "\n")

tok = BertTokenizer(VOCAB_TXT)
print("vocab size:", tok.vocab_size)


# %%
@dataclass
class Event:
    match_id: int
    seq: int
    minute: float
    side: str
    event: str
    zone: str


with open(EVENTS_CSV, newline="") as fh:
    events = [Event(int(r["match_id"]), int(r["seq"]), float(r["minute"]), r["side"], r["event"], r["zone"])
              for r in csv.DictReader(fh)]

matches = {mid: list(evs) for mid, evs in itertools.groupby(events, key=lambda e: e.match_id)}
side_ids = {s: i for i, s in enumerate(sorted({e.side for e in events}))}
print("matches:", len(matches), "sides:", side_ids)


def windows(evs, size, stride):
    for start in range(0, len(evs) - size - 1, stride):
        ctx = evs[start : start + size]
        nxt = next((e for e in evs[start + size :] if e.side in ("home", "away")), None)
        if nxt is not None:
            yield ctx, int(nxt.side == "home")


# %%
def encode(ctx):
    words = list(itertools.chain.from_iterable((e.event, e.zone) for e in ctx))
    word_side = list(itertools.chain.from_iterable((side_ids[e.side],) * 2 for e in ctx))
    enc = tok(words, is_split_into_words=True, truncation=True, max_length=CFG["max_len"],
              padding="max_length")
    seg = [word_side[w] if w is not None else 0 for w in enc.word_ids()]
    return enc["input_ids"], enc["attention_mask"], seg


samples = []
for mid, evs in matches.items():
    for ctx, label in windows(evs, CFG["window"], CFG["stride"]):
        ids, att, seg = encode(ctx)
        samples.append((ids, att, seg, label))
random.shuffle(samples)
print("windows:", len(samples))

to_batch = lambda chunk: {
    "input_ids": torch.tensor([c[0] for c in chunk]),
    "attention_mask": torch.tensor([c[1] for c in chunk]),
    "token_type_ids": torch.tensor([c[2] for c in chunk]),
    "labels": torch.tensor([c[3] for c in chunk]),
}
batches = [to_batch(samples[i : i + CFG["batch_size"]]) for i in range(0, len(samples), CFG["batch_size"])]

# %%
config = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=CFG["hidden"],
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=2 * CFG["hidden"],
    max_position_embeddings=CFG["max_len"],
    type_vocab_size=CFG["n_sides"],
    num_labels=2,
)
model = BertForSequenceClassification(config)
optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

# %%
for epoch in range(CFG["epochs"]):
    model.train()
    losses = []
    for batch in batches:
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        losses.append(out.loss.item())
    print(f"epoch {epoch}: loss={np.mean(losses):.4f}")

# %%
model.eval()
with torch.no_grad():
    preds = torch.cat([model(**{k: v for k, v in b.items() if k != "labels"}).logits.argmax(-1) for b in batches])
gold = torch.cat([b["labels"] for b in batches])
print("train acc:", (preds == gold).float().mean().item())
