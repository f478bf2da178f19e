"""Predict the avalanche danger level from the snowpack paragraph of a regional bulletin.

Forecasters' stability index (0-10, higher = less stable) is binned into the five
danger levels; a bag-of-words EmbeddingBag model learns level from the free text.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

bulletins = [
    ("well bonded snowpack little new snow isolated wet slides on steep sunny slopes", 0.8),
    ("generally stable crusts on south aspects small wind slabs near ridgelines", 2.6),
    ("moderate wind slabs on north east aspects above treeline triggering possible by single skier", 3.9),
    ("persistent weak layer of surface hoar buried 40 cm whumpfing reported", 5.7),
    ("heavy snowfall 60 cm with strong westerly winds natural avalanches likely", 7.4),
    ("widespread natural activity large avalanches reaching valley floors roads closed", 9.3),
    ("spring conditions morning crust softening wet loose activity after midday", 2.1),
    ("fresh wind slabs deposited in gullies and bowls shooting cracks observed", 4.8),
    ("faceted depth hoar at ground remote triggering from flat terrain", 8.1),
    ("stable conditions low danger normal caution on isolated steep terrain", 0.4),
    ("rain on snow up to 2500 m glide cracks opening wet slab releases expected", 6.6),
    ("very large spontaneous avalanches expected evacuation of exposed hamlets", 9.8),
    ("small loose dry sluffs in steep couloirs otherwise good bonding", 1.3),
    ("critical new snow depth exceeded many natural releases on all aspects", 8.7),
]

texts = [t for t, _ in bulletins]
score = np.array([s for _, s in bulletins])
edges = np.array([0.0, 2.0, 4.0, 6.0, 8.0, 10.0])   # index -> danger level 1..5
K = edges.size - 1
y_idx = np.searchsorted(edges[1:-1], score, side="right")
print(f"{len(texts)} bulletins, {K} danger levels, level histogram {np.bincount(y_idx)}")

# --- bag of words: flat id vector + offsets ------------------------------------
toks = [t.split() for t in texts]
V = np.unique(np.concatenate([np.array(ws) for ws in toks]))
ids = [np.searchsorted(V, ws) for ws in toks]
n_tok = np.array([a.size for a in ids])
print(f"vocab {V.size}, tokens per bulletin {n_tok.min()}-{n_tok.max()}")


class BagClassifier(nn.Module):
    def __init__(self, n_vocab, dim, n_out):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_vocab, dim, mode="mean")
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(dim, n_out)

    def forward(self, flat, offs):
        return self.out(self.drop(self.bag(flat, offs)))


def to_bag(rows):
    flat = np.concatenate([ids[i] for i in rows])
    offs = np.concatenate([[0], np.cumsum(n_tok[rows])[:-1]])
    return torch.from_numpy(flat), torch.from_numpy(offs)


net = BagClassifier(V.size, 24, K)
opt = torch.optim.Adam(net.parameters(), lr=2e-2)

idx_tr = rng.permutation(len(texts))[:10]
idx_te = np.setdiff1d(np.arange(len(texts)), idx_tr)
bs = 5

for epoch in range(40):
    net.train()
    perm = rng.permutation(idx_tr)
    tot = 0.0
    for b0 in range(0, perm.size, bs):
        rows = perm[b0:b0 + bs]
        flat, offs = to_bag(rows)
        logits = net(flat, offs)
        loss = F.cross_entropy(logits, torch.from_numpy(y_idx[rows]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * rows.size
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  train loss {tot / idx_tr.size:.4f}")

net.eval()
with torch.no_grad():
    flat, offs = to_bag(idx_te)
    P = net(flat, offs).softmax(-1).numpy()
lvl_hat = np.argmax(P, axis=1)
mae = np.abs(lvl_hat - y_idx[idx_te]).mean()
print(f"held-out MAE in danger levels: {mae:.2f}")
for i, k in zip(idx_te, lvl_hat):
    print(f"  level {y_idx[i] + 1} -> {k + 1}  ({score[i]:.1f})  {texts[i][:45]}")
