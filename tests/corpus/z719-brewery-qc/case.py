# Brewery QC tasting panel notes -> off-flavour class. Small transformer encoder from scratch, 3-fold OOF.
import math
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn


class CFG:
    seed = 11
    k = 3
    seq_len = 14
    d_model = 32
    nhead = 4
    ff = 64
    layers = 2
    epochs = 3
    batch = 4
    lr = 1e-3


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


seed_everything(CFG.seed)

panel = [
    {"batch_no": "IPA-201", "notes": "buttery slick mouthfeel popcorn aroma", "defect": "diacetyl"},
    {"batch_no": "IPA-207", "notes": "butterscotch on the nose, rushed conditioning", "defect": "diacetyl"},
    {"batch_no": "LAG-112", "notes": "movie popcorn butter, slick finish", "defect": "diacetyl"},
    {"batch_no": "LAG-118", "notes": "cooked corn creamed corn aroma, weak boil", "defect": "dms"},
    {"batch_no": "PIL-033", "notes": "canned sweetcorn vegetal notes", "defect": "dms"},
    {"batch_no": "PIL-036", "notes": "cabbage cooked vegetables on nose", "defect": "dms"},
    {"batch_no": "STT-090", "notes": "green apple fresh cut pumpkin", "defect": "acetaldehyde"},
    {"batch_no": "STT-094", "notes": "green apple latex paint, young beer", "defect": "acetaldehyde"},
    {"batch_no": "SAI-015", "notes": "wet cardboard papery stale", "defect": "oxidation"},
    {"batch_no": "SAI-019", "notes": "sherry notes papery, old hop aroma faded", "defect": "oxidation"},
    {"batch_no": "IPA-215", "notes": "cardboard dull hops, dissolved oxygen high", "defect": "oxidation"},
    {"batch_no": "WIT-004", "notes": "band aid plastic clove harsh", "defect": "phenolic"},
    {"batch_no": "WIT-008", "notes": "medicinal chlorophenol smoky plastic", "defect": "phenolic"},
    {"batch_no": "LAG-121", "notes": "smoky medicinal band aid, sanitiser residue", "defect": "phenolic"},
]

# ---- columns ----
notes_col = np.array([r["notes"] for r in panel], dtype=object)
defect_col = np.array([r["defect"] for r in panel], dtype=object)
defect_names, yy = np.unique(defect_col, return_inverse=True)
print("notes:", notes_col.shape, "| defects:", dict(zip(defect_names.tolist(), np.bincount(yy).tolist())))


def words(s):
    return s.lower().replace(",", " ").split()


cnt = Counter(w for s in notes_col for w in words(s))
vocab = {"<pad>": 0, "<unk>": 1}
for w, _ in cnt.most_common():
    vocab[w] = len(vocab)
PAD = vocab["<pad>"]
print("vocab size:", len(vocab))


def to_arrays(texts, L):
    ids = np.full((len(texts), L), PAD, dtype=np.int64)
    pad_flags = np.zeros_like(ids)
    for r, s in enumerate(texts):
        seq = [vocab.get(w, 1) for w in words(s)][:L]
        ids[r, :len(seq)] = seq
        pad_flags[r, len(seq):] = 1
    return ids, pad_flags


ID_MAT, PAD_MAT = to_arrays(notes_col, CFG.seq_len)
print("ID_MAT:", ID_MAT.shape, ID_MAT.dtype, "PAD_MAT:", PAD_MAT.shape)


class PanelEncoder(nn.Module):
    def __init__(self, n_vocab, n_cls):
        super().__init__()
        self.tok = nn.Embedding(n_vocab, CFG.d_model, padding_idx=PAD)
        self.pos = nn.Parameter(torch.randn(1, CFG.seq_len, CFG.d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(CFG.d_model, CFG.nhead, CFG.ff, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, CFG.layers, enable_nested_tensor=False)
        self.cls = nn.Linear(CFG.d_model, n_cls)

    def forward(self, ids, pad):
        h = self.tok(ids) * math.sqrt(CFG.d_model) + self.pos[:, : ids.size(1)]
        h = self.enc(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.cls(pooled)


def iterate(rows, shuffle):
    rows = np.random.permutation(rows) if shuffle else rows
    for i in range(0, len(rows), CFG.batch):
        sel = rows[i:i + CFG.batch]
        yield torch.from_numpy(ID_MAT[sel]), torch.from_numpy(PAD_MAT[sel]), torch.from_numpy(yy[sel])


# folds: deal each defect round-robin
fold_of = np.empty(len(panel), dtype=int)
for c in range(len(defect_names)):
    members = np.random.permutation(np.flatnonzero(yy == c))
    fold_of[members] = np.arange(len(members)) % CFG.k

oof = np.zeros((len(panel), len(defect_names)), dtype=np.float32)
for f in range(CFG.k):
    tr_rows, va_rows = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
    print(f"== fold {f}: {len(tr_rows)} train / {len(va_rows)} valid")
    model = PanelEncoder(len(vocab), len(defect_names))
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr, weight_decay=0.01)
    for ep in range(CFG.epochs):
        model.train()
        losses = []
        for ids, pad, tgt in iterate(tr_rows, shuffle=True):
            loss = nn.functional.cross_entropy(model(ids, pad), tgt)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"   epoch {ep}: mean loss {np.mean(losses):.4f}")
    model.eval()
    with torch.no_grad():
        va_ids, va_pad = torch.from_numpy(ID_MAT[va_rows]), torch.from_numpy(PAD_MAT[va_rows])
        oof[va_rows] = model(va_ids, va_pad).softmax(-1).numpy()

print("OOF accuracy:", float((oof.argmax(1) == yy).mean()))
