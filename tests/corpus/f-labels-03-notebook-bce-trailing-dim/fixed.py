# %% [markdown]
# Spam or not: a logistic-regression baseline on hashed character counts (exported from a notebook)

# %%
import torch
import torch.nn as nn

torch.manual_seed(0)
msgs = ["win cash now", "see you at 5", "free prize click", "lunch tomorrow?", "urgent claim reward", "ok thanks"]
t = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])

# %%
def featurize(s, dim=32):
    v = torch.zeros(dim)
    for ch in s:
        v[ord(ch) % dim] += 1.0
    return v

X = torch.stack([featurize(s) for s in msgs])
clf = nn.Linear(32, 1)
crit = nn.BCEWithLogitsLoss()
opt = torch.optim.SGD(clf.parameters(), lr=0.05)

# %%
for it in range(5):
    out = clf(X)
    l = crit(out.squeeze(-1), t)
    opt.zero_grad()
    l.backward()
    opt.step()
print(float(l))
