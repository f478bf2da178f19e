# %% [markdown]
# # Hive inspection notes -> colony status probe
# exported from notebooks/hive_notes_probe.ipynb (jupytext, percent format)

# %%
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

# %%
notes = [
    "queen seen on frame four , capped brood solid , two supers of nectar",
    "no eggs no queen , three queen cells on bottom bars , bees testy",
    "mite drop high on sticky board , deformed wings on young bees",
    "swarm cells along frame edges , hive crowded , little room in brood box",
    "eggs and larvae present , good pollen stores , calm on the comb",
    "laying workers suspected , multiple eggs per cell , drone brood in worker cells",
    "varroa count nine per hundred bees after sugar roll , treat this week",
    "queen cups charged with larvae , bees bearding at entrance , add super",
]
status = [0, 1, 2, 3, 0, 1, 2, 3]
STATUS_NAMES = ["queenright", "queenless", "varroa", "swarm-prep"]

# %%
words = sorted({w for n in notes for w in n.split()})
extra = "autumn feed syrup fondant mouse guard reduced entrance wasps robbing cluster heavy light".split()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + sorted(set(extra) - set(words))
tmpdir = tempfile.mkdtemp()
vocab_path = os.path.join(tmpdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vocab_path)
print("vocab:", len(tok))

# %%
MAX_LEN = 32

# %%
cfg = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LEN,
)
enc_model = BertModel(cfg).eval()
cfg.max_position_embeddings, sum(p.numel() for p in enc_model.parameters())

# %%
# sanity check on a single note
one = tok(notes[0], return_tensors="pt", truncation=True, max_length=MAX_LEN)
print(one["input_ids"].shape)
with torch.no_grad():
    print(enc_model(**one).last_hidden_state.shape)

# %%
# the autumn inspections are long-form, they were getting cut at 32 tokens
long_notes = [
    "autumn check , cluster heavy on six frames , queen seen , capped brood small , fed syrup , "
    "mouse guard fitted , entrance reduced , wasps robbing at the back corner , two frames of stores",
    "autumn check , no queen no eggs , bees testy , light stores , fondant added , "
    "mite drop high on sticky board , deformed wings on young bees , combine with hive two before winter",
]
notes = notes + long_notes
status = status + [0, 1]
MAX_LEN = 64
print(len(notes), MAX_LEN)

# %%
def embed(texts, bs=4):
    pooled = []
    for start in range(0, len(texts), bs):
        chunk = texts[start:start + bs]
        enc = tok(chunk, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
        with torch.no_grad():
            hid = enc_model(**enc).last_hidden_state
        keep = enc["attention_mask"].unsqueeze(-1).float()
        pooled.append((hid * keep).sum(1) / keep.sum(1))
    return torch.cat(pooled)

feats = embed(notes)
print(feats.shape)

# %%
# linear probe on frozen features
probe = nn.Linear(cfg.hidden_size, len(STATUS_NAMES))
opt = torch.optim.Adam(probe.parameters(), lr=5e-2)
y = torch.tensor(status)
for step in range(60):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(probe(feats), y)
    loss.backward()
    opt.step()
    if step % 20 == 0:
        print(f"step {step:3d} loss {loss.item():.4f}")

# %%
pred = probe(feats).argmax(-1)
for n, p in list(zip(notes, pred.tolist()))[-3:]:
    print(f"{STATUS_NAMES[p]:>11s} | {n[:60]}")
print("train acc", (pred == y).float().mean().item())
