# %% single-head self-attention pooling, written out by hand (exported notebook)
import torch
import torch.nn.functional as F

torch.manual_seed(0)

# %%
S = ["the cat sat", "a dog ran to the park", "birds fly"]
V = {w: i + 4 for i, w in enumerate(sorted({w for s in S for w in s.split()}))}  # 0 pad, 1 unk, 2 cls, 3 sep
X = [[V[w] for w in s.split()] for s in S]
L = torch.tensor([len(r) for r in X])
T = int(L.max())
x = torch.zeros(len(X), T, dtype=torch.long)
for i, r in enumerate(X):
    x[i, : len(r)] = torch.tensor(r)
m = (torch.arange(T + 2)[None] < (L + 2)[:, None]).long()  # [CLS] ... [SEP]

# %%
d = 16
E = torch.randn(len(V) + 4, d)
Wq, Wk, Wv = (torch.randn(d, d) * 0.1 for _ in range(3))
h = F.embedding(x, E, padding_idx=0)
q, k, v = h @ Wq, h @ Wk, h @ Wv
s = torch.einsum("bid,bjd->bij", q, k) / d ** 0.5
s = s.masked_fill(m[:, None, :] == 0, float("-inf"))
a = s.softmax(-1)
o = torch.einsum("bij,bjd->bid", a, v)
p = (o * m[..., None]).sum(1) / m.sum(1, keepdim=True)
print(p.shape)
