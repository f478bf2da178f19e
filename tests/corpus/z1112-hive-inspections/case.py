"""Linear probe for colony status on top of a small frozen text encoder.

Hive inspection notes from the apiary notebook -> {queenless, queenright, swarming}.
Encoder states are pulled out once, pooled in numpy, and a linear probe is fit on the
pooled features (mean + max over real tokens).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

np.random.seed(11)
torch.manual_seed(11)

notes = [
    ("eggs seen in worker cells brood pattern solid queen marked green spotted on frame four", "queenright"),
    ("no eggs no young larvae bees roaring when lid lifted several emergency cells drawn", "queenless"),
    ("capped queen cells along bottom bars hive packed wall to wall with bees", "swarming"),
    ("laying worker suspected multiple eggs per cell drone brood in worker comb", "queenless"),
    ("calm colony eggs and open brood present stores good on outer frames", "queenright"),
    ("half the bees gone cluster hanging in hawthorn next to the apiary", "swarming"),
    ("queen not seen but eggs standing upright in cells brood pattern tight", "queenright"),
    ("queen cells charged with royal jelly brood nest backfilled with nectar", "swarming"),
    ("no brood at all bees defensive scattered pollen only", "queenless"),
    ("new queen mated and laying nice arc of capped brood", "queenright"),
    ("play cups turned into sealed cells bees bearding at entrance", "swarming"),
    ("spotty drone brood no eggs bees fanning at queen cells torn down", "queenless"),
]

texts = [t for t, _ in notes]
status = np.array([s for _, s in notes])
classes = np.unique(status)                      # sorted
y_idx = np.searchsorted(classes, status)
K = classes.size
print(f"{len(texts)} inspections, classes={classes.tolist()}, counts={np.bincount(y_idx)}")

# --- vocab + id matrix, all numpy -------------------------------------------------
toks = [t.split() for t in texts]
V = np.array(["<pad>", "<unk>"] + sorted({w for ws in toks for w in ws}))   # '<' sorts first
lens = np.array([len(ws) for ws in toks])
L = int(lens.max())
X = np.stack([np.pad(np.searchsorted(V, ws), (0, L - len(ws))) for ws in toks])
M = np.arange(L)[None, :] < lens[:, None]        # True on real tokens
print(f"X {X.shape}  vocab={V.size}  mean len={lens.mean():.1f}")

# --- frozen encoder (random init stands in for the pretrained checkpoint) ----------
emb = nn.Embedding(V.size, 32, padding_idx=0)
layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
enc = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
emb.eval(); enc.eval()

with torch.no_grad():
    Xt = torch.from_numpy(X)
    Mt = torch.from_numpy(~M)                     # key padding mask: True = ignore
    H = enc(emb(Xt), src_key_padding_mask=Mt).numpy()   # (N, L, d)

d_h = H.shape[-1]
Mf = M[..., None]
mu_tok = np.where(Mf, H, 0.0).sum(1) / lens[:, None]
mx_tok = np.where(Mf, H, -np.inf).max(1)
Zp = np.concatenate([mu_tok, mx_tok], axis=1)
Zp = (Zp - Zp.mean(0)) / (Zp.std(0) + 1e-6)
Zp = Zp.astype(np.float32)
print(f"pooled features {Zp.shape}, token states d={d_h}")

# --- fit the probe ---------------------------------------------------------------
perm = np.random.permutation(len(texts))
tr, va = perm[:9], perm[9:]
Z_tr, Z_va = torch.from_numpy(Zp[tr]), torch.from_numpy(Zp[va])
y_tr, y_va = torch.from_numpy(y_idx[tr]), torch.from_numpy(y_idx[va])

probe = nn.Linear(d_h, K)
opt = torch.optim.Adam(probe.parameters(), lr=5e-2, weight_decay=1e-3)

for ep in range(60):
    opt.zero_grad()
    loss = F.cross_entropy(probe(Z_tr), y_tr)
    loss.backward()
    opt.step()
    if ep % 20 == 0:
        print(f"epoch {ep:2d}  loss={loss.item():.4f}")

with torch.no_grad():
    P = probe(Z_va).softmax(-1).numpy()
pred = np.argmax(P, axis=1)
acc = (pred == y_idx[va]).mean()
print(f"val acc {acc:.2f}")
for i, j in zip(va, pred):
    print(f"  {status[i]:>10s} -> {classes[j]:<10s} | {texts[i][:50]}")
