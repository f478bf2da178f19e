# ringing station logs: guess age class (juv / 1cy / adult) from the free-form field notes
# plain transformer encoder, trained from scratch -- just checking the pipeline end to end
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

AGE = {"juv": 0, "1cy": 1, "ad": 2}

raw = [
    ("fresh juvenile plumage , tail feathers pointed , skull unossified", "juv"),
    ("loose fluffy undertail , gape flanges visible", "juv"),
    ("spotted breast , short wing , fresh", "juv"),
    ("moult limit in greater coverts , brownish alula", "1cy"),
    ("retained juvenile coverts , skull partly ossified", "1cy"),
    ("moult limit visible , tail rounded , worn primaries", "1cy"),
    ("uniform adult coverts , skull fully ossified", "ad"),
    ("brood patch present , worn plumage , long wing", "ad"),
    ("cloacal protuberance , uniform wing , tail square", "ad"),
    ("fully ossified , no moult limit , adult type tail", "ad"),
]


@dataclass
class Record:
    words: list
    age: int


records = [Record(note.split(), AGE[a]) for note, a in raw]
itos = ["<pad>", "<unk>"] + sorted({w for r in records for w in r.words})
stoi = {w: i for i, w in enumerate(itos)}
PAD_IDX = 0
print(f"{len(records)} records, vocab {len(itos)}")


def collate(recs):
    longest = max(len(r.words) for r in recs)
    tokens = torch.full((len(recs), longest), PAD_IDX, dtype=torch.long)
    keep = torch.zeros((len(recs), longest), dtype=torch.long)
    for i, r in enumerate(recs):
        ids = [stoi.get(w, 1) for w in r.words]
        tokens[i, :len(ids)] = torch.tensor(ids)
        keep[i, :len(ids)] = 1
    return {"tokens": tokens, "keep": keep, "age": torch.tensor([r.age for r in recs])}


D_MODEL = 32
emb = nn.Embedding(len(itos), D_MODEL, padding_idx=PAD_IDX)
pos = nn.Parameter(torch.randn(1, 32, D_MODEL) * 0.02)
layer = nn.TransformerEncoderLayer(d_model=D_MODEL, nhead=4, dim_feedforward=64,
                                   dropout=0.1, batch_first=True)
encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
head = nn.Linear(D_MODEL, len(AGE))
params = list(emb.parameters()) + [pos] + list(encoder.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=2e-3)
crit = nn.CrossEntropyLoss()

loader = DataLoader(records, batch_size=4, shuffle=True, collate_fn=collate)

for epoch in range(4):
    tot, n = 0.0, 0
    for b in loader:
        x = emb(b["tokens"]) + pos[:, :b["tokens"].size(1)]
        h = encoder(x, src_key_padding_mask=b["keep"])
        # mean over the real tokens only
        w = b["keep"].unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1)
        loss = crit(head(pooled), b["age"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(b["age"]); n += len(b["age"])
    print(f"epoch {epoch}: loss {tot / n:.3f}")

# eval on everything (tiny set, no split yet)
encoder.eval()
with torch.no_grad():
    b = collate(records)
    x = emb(b["tokens"]) + pos[:, :b["tokens"].size(1)]
    h = encoder(x, src_key_padding_mask=b["keep"])
    w = b["keep"].unsqueeze(-1).float()
    pred = head((h * w).sum(1) / w.sum(1)).argmax(-1)
acc = (pred == b["age"]).float().mean().item()
print(f"train acc {acc:.2f}")
