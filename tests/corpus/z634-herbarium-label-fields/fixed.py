# %% [markdown]
# # Herbarium sheet labels: which field is this line?
# Digitised specimen labels come out of OCR as loose lines. Here we train a tiny
# transformer encoder to tag each line as taxon / locality / collector / date.

# %%
import functools
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

# %% [markdown]
# ## Lines from a few transcribed sheets

# %%
FIELDS = ["taxon", "locality", "collector", "date"]
lines = [
    ("carex flava l", "taxon"),
    ("salix herbacea l subsp", "taxon"),
    ("wet meadow near river bank alt 300 m", "locality"),
    ("limestone scree below north ridge", "locality"),
    ("coll j smith no 4411", "collector"),
    ("leg a berg et m holm", "collector"),
    ("12 june 1931", "date"),
    ("aug 1908", "date"),
    ("dryas octopetala l", "taxon"),
    ("roadside ditch 2 km east of village", "locality"),
    ("coll e lind no 77", "collector"),
    ("3 july 1954", "date"),
]
print(len(lines), "lines", Counter(f for _, f in lines))

# %% [markdown]
# ## Vocab and encoding
# Word-level; index 0 is padding, 1 is unknown.

# %%
PAD_ID, UNK_ID = 0, 1
counts = Counter(w for text, _ in lines for w in text.split())
itos = ["<pad>", "<unk>"] + sorted(counts)
stoi = {w: i for i, w in enumerate(itos)}

def encode(text):
    return [stoi.get(w, UNK_ID) for w in text.split()]

print("vocab", len(itos), "| example", encode(lines[2][0]))

# %%
def collate(rows, max_len):
    ids = [encode(text)[:max_len] for text, _ in rows]
    width = max(len(r) for r in ids)
    tok = torch.full((len(ids), width), PAD_ID, dtype=torch.long)
    for i, r in enumerate(ids):
        tok[i, : len(r)] = torch.tensor(r)
    keep = (tok != PAD_ID).long()
    field = torch.tensor([FIELDS.index(f) for _, f in rows])
    return {"tok": tok, "keep": keep, "field": field}

def batches(rows, size, collate_fn, shuffle=True):
    rows = list(rows)
    if shuffle:
        random.shuffle(rows)
    for i in range(0, len(rows), size):
        yield collate_fn(rows[i : i + size])

collate_fn = functools.partial(collate, max_len=16)
batch = collate_fn(lines[:4])
print({k: tuple(v.shape) for k, v in batch.items()})
print(batch["keep"])

# %% [markdown]
# ## Model
# Embedding + learned positions -> 2-layer encoder -> masked mean pool -> linear.

# %%
class LineTagger(nn.Module):
    def __init__(self, vocab, n_fields, dim=32, heads=4, depth=2, max_len=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD_ID)
        self.pos = nn.Parameter(torch.zeros(1, max_len, dim))
        layer = nn.TransformerEncoderLayer(dim, heads, dim * 2, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth)
        self.out = nn.Linear(dim, n_fields)

    def forward(self, tok, keep):
        h = self.emb(tok) + self.pos[:, : tok.size(1)]
        h = self.encoder(h, src_key_padding_mask=keep == 0)
        w = keep.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.out(pooled)

model = LineTagger(len(itos), len(FIELDS))
print(sum(p.numel() for p in model.parameters()), "params")

# %% [markdown]
# ## Sanity check
# Untrained loss should sit near ln(4) ~ 1.39.

# %%
logits = model(batch["tok"], batch["keep"])
print("logits", tuple(logits.shape), "loss", F.cross_entropy(logits, batch["field"]).item())

# %% [markdown]
# ## Training

# %%
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for epoch in range(5):
    total = 0.0
    for batch in batches(lines, 4, collate_fn):
        logits = model(batch["tok"], batch["keep"])
        loss = F.cross_entropy(logits, batch["field"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  loss {total:.3f}")

# %% [markdown]
# ## Tag some unseen OCR lines

# %%
model.eval()
fresh = [("carex nigra l", "taxon"), ("coll a berg no 12", "collector"), ("14 june 1908", "date")]
batch = collate_fn(fresh)
with torch.no_grad():
    pred = model(batch["tok"], batch["keep"]).argmax(-1)
for (text, _), p in zip(fresh, pred.tolist()):
    print(f"{text:<24} -> {FIELDS[p]}")
