# %% [markdown]
# # Apiary inspection notes -> colony status
# Tutorial: fine-tune a tiny BERT classifier on beekeepers' inspection notes.
# Everything is built from scratch (no hub downloads), so it runs anywhere on CPU.

# %%
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

# %% [markdown]
# ## 1. Data
# A handful of field notes with the status the inspector ticked on the sheet.

# %%
STATUSES = ["healthy", "queenless", "varroa", "swarm-prep"]
notes = [
    ("strong colony eggs present calm bees good stores", "healthy"),
    ("no eggs no queen seen emergency cells on frame", "queenless"),
    ("mites on drone brood deformed wings noticed", "varroa"),
    ("queen cells along bottom bars crowded brood box", "swarm-prep"),
    ("capped brood solid pattern calm on the comb", "healthy"),
    ("supersedure cells and no fresh eggs this week", "queenless"),
    ("sticky board count high mites after sugar roll", "varroa"),
    ("backfilled brood nest many drones queen cells", "swarm-prep"),
]
texts = [t for t, _ in notes]
targets = torch.tensor([STATUSES.index(s) for _, s in notes])
print(f"{len(texts)} notes, {len(STATUSES)} statuses")

# %% [markdown]
# ## 2. Tokenizer
# We write a small word-level vocab from the notes themselves. A few beekeeping
# terms get registered as whole tokens so the word-piece splitter never breaks them up.

# %%
words = sorted({w for t in texts for w in t.split()})
jargon = ["varroa", "supersedure", "backfilled", "drone"]
base_words = [w for w in words if w not in jargon]

workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + base_words) + "\n")

tokenizer = BertTokenizer(vocab_path)
n_added = tokenizer.add_tokens(jargon)
print("base vocab:", tokenizer.vocab_size, "| added:", n_added)

# %%
enc = tokenizer(texts, padding=True, return_tensors="pt")
print("input_ids", tuple(enc["input_ids"].shape))
print(tokenizer.convert_ids_to_tokens(enc["input_ids"][2]))

# %% [markdown]
# ## 3. Model
# A 1-layer BERT, sized from the tokenizer.

# %%
config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(STATUSES),
)
model = BertForSequenceClassification(config)
print("params:", sum(p.numel() for p in model.parameters()))

# %% [markdown]
# ## 4. Sanity check
# One forward pass on two notes before we start training.

# %%
model.eval()
enc = tokenizer(texts[:2], padding=True, return_tensors="pt")
with torch.no_grad():
    out = model(**enc)
print("logits", tuple(out.logits.shape))

# %% [markdown]
# ## 5. Training
# Plain loop, full batch, a few epochs.

# %%
enc = tokenizer(texts, padding=True, return_tensors="pt")
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
model.train()
for epoch in range(15):
    optim.zero_grad()
    out = model(**enc, labels=targets)
    out.loss.backward()
    optim.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:02d} loss {out.loss.item():.4f}")

# %% [markdown]
# ## 6. Try it on a new note

# %%
model.eval()
new_note = "mites on the sticky board and deformed wings"
enc = tokenizer([new_note], return_tensors="pt")
with torch.no_grad():
    pred = model(**enc).logits.argmax(-1).item()
print(f"{new_note!r} -> {STATUSES[pred]}")
