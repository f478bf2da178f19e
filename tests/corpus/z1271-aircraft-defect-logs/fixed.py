# %% [markdown]
# # Tech log defect entries -> ATA chapter
# small transformer encoder trained from scratch on pilot/engineer write-ups

# %%
from functools import partial

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(3)

# %%
entries = [
    ("no 2 engine oil pressure fluctuating during climb", "ATA79"),
    ("left main gear tyre worn to limits replaced", "ATA32"),
    ("cabin pressure controller fault message on descent", "ATA21"),
    ("nose gear steering shimmy on taxi", "ATA32"),
    ("no 1 engine oil quantity low on walkaround", "ATA79"),
    ("pack 2 overheat caution in cruise", "ATA21"),
    ("brake temp high on right main gear after landing", "ATA32"),
    ("oil filter bypass indication no 2 engine", "ATA79"),
    ("cabin too warm aft zone temp control inop", "ATA21"),
    ("gear door did not close fully after retraction", "ATA32"),
]
chapters = sorted({c for _, c in entries})
ch2id = {c: i for i, c in enumerate(chapters)}
itos = ["<pad>", "<unk>"] + sorted({w for t, _ in entries for w in t.split()})
stoi = {w: i for i, w in enumerate(itos)}
print(len(itos), "words,", chapters)

# %%
EMB_DIM = 64
N_HEADS = 4

# %%
emb = nn.Embedding(len(itos), EMB_DIM, padding_idx=0)
enc = nn.TransformerEncoder(
    nn.TransformerEncoderLayer(d_model=EMB_DIM, nhead=N_HEADS, dim_feedforward=128, batch_first=True),
    num_layers=2,
)

def encode_text(text):
    return torch.tensor([stoi.get(w, 1) for w in text.split()])

def collate(rows, pad_id):
    toks = pad_sequence([encode_text(t) for t, _ in rows], batch_first=True, padding_value=pad_id)
    tgt = torch.tensor([ch2id[c] for _, c in rows])
    return toks, tgt

collate_fn = partial(collate, pad_id=stoi["<pad>"])

# %%
toks, tgt = collate_fn(entries[:3])
pad_flags = toks.eq(0)
h = enc(emb(toks), src_key_padding_mask=pad_flags)
toks.shape, h.shape

# %%
def pool(hidden, pad_flags):
    w = (~pad_flags).unsqueeze(-1).float()
    return (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)

print(pool(h, pad_flags).shape)

# %%
# head: two-layer MLP, try a wider one
EMB_DIM = 128
head = nn.Sequential(nn.Linear(emb.embedding_dim, 64), nn.GELU(), nn.Dropout(0.1), nn.Linear(64, len(chapters)))
head

# %%
params = list(emb.parameters()) + list(enc.parameters()) + list(head.parameters())
opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.01)
loader = torch.utils.data.DataLoader(entries, batch_size=4, shuffle=True, collate_fn=collate_fn)

for epoch in range(8):
    total = 0.0
    for toks, tgt in loader:
        pad_flags = toks.eq(0)
        feats = pool(enc(emb(toks), src_key_padding_mask=pad_flags), pad_flags)
        loss = nn.functional.cross_entropy(head(feats), tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(tgt)
    if epoch % 2 == 1:
        print(f"epoch {epoch+1}: loss {total / len(entries):.4f}")

# %%
emb.eval(); enc.eval(); head.eval()
with torch.no_grad():
    for text in ["no 2 engine oil temp high", "right main gear tyre cut", "pack 1 fault on ground"]:
        t = encode_text(text).unsqueeze(0)
        pf = t.eq(0)
        p = head(pool(enc(emb(t), src_key_padding_mask=pf), pf)).softmax(-1)
        print(f"{chapters[p.argmax().item()]} ({p.max().item():.2f})  {text}")
