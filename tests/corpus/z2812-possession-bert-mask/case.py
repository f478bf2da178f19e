# %% [markdown]
# Possession outcome classifier: does a possession sequence end in a shot?
# Event logs are verbalised ("home p7 pass short left ...") and fed to a tiny BERT.

# %%
import os
import random
import itertools
import numpy as np
import torch
from transformers import BertConfig, BertTokenizer, BertForSequenceClassification

CFG = {
    "seed": 11,
    "n_possessions": 160,
    "max_len": 48,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-4,
}
random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])
HERE = os.path.dirname(os.path.abspath(__file__))

# %%
ACTIONS = ["pass", "dribble", "cross", "tackle", "foul", "clearance", "interception", "header", "shot"]
ZONES = ["left", "right", "center", "box", "wing", "midfield"]
LENGTHS = ["short", "long"]
SIDES = ["home", "away"]
PLAYERS = [f"p{i}" for i in range(1, 12)]

special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
vocab = special + SIDES + PLAYERS + ACTIONS + ZONES + LENGTHS
vocab_path = os.path.join(HERE, "event_vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")

tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
print("vocab size", tokenizer.vocab_size)

# %%
def simulate_possession(rng):
    side = rng.choice(SIDES)
    n_events = rng.randint(2, 8)
    events = []
    for _ in range(n_events):
        act = rng.choice(ACTIONS[:-1])
        events.append(f"{side} {rng.choice(PLAYERS)} {act} {rng.choice(LENGTHS)} {rng.choice(ZONES)}")
    ends_in_shot = rng.random() < 0.35
    if ends_in_shot:
        events.append(f"{side} {rng.choice(PLAYERS)} shot box")
    return " ".join(events), int(ends_in_shot)

rng = random.Random(CFG["seed"])
possessions = [simulate_possession(rng) for _ in range(CFG["n_possessions"])]
texts, labels = map(list, zip(*possessions))
print("example:", texts[0][:80], "->", labels[0])
print("shot rate", np.mean(labels).round(3))

# %%
enc = tokenizer(
    texts,
    padding="max_length",
    truncation=True,
    max_length=CFG["max_len"],
    return_tensors="pt",
)
input_ids = enc["input_ids"]
y = torch.tensor(labels, dtype=torch.long)
print("input_ids", tuple(input_ids.shape))

split = int(0.8 * len(texts))
train_idx = list(range(split))
valid_idx = list(range(split, len(texts)))

# %%
make_mask = lambda batch_texts: tokenizer(batch_texts, padding="longest", return_tensors="pt")["attention_mask"]

def batches(idx, bs, shuffle=True):
    idx = list(idx)
    if shuffle:
        random.shuffle(idx)
    it = iter(idx)
    while True:
        chunk = list(itertools.islice(it, bs))
        if not chunk:
            return
        yield {
            "input_ids": input_ids[chunk],
            "attention_mask": make_mask([texts[i] for i in chunk]),
            "labels": y[chunk],
        }

# %%
config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=2,
)
model = BertForSequenceClassification(config)
optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
print("params", sum(p.numel() for p in model.parameters()))

# %%
history = []
for epoch in range(CFG["epochs"]):
    model.train()
    running = []
    for batch in batches(train_idx, CFG["batch_size"]):
        out = model(**batch)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        running.append(out.loss.item())
    history.append(float(np.mean(running)))
    print(f"epoch {epoch} train loss {history[-1]:.4f}")

# %%
model.eval()
correct = 0
with torch.no_grad():
    for batch in batches(valid_idx, CFG["batch_size"], shuffle=False):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
print("valid acc", round(correct / len(valid_idx), 3))
