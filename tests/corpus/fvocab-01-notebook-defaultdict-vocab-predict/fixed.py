# %% [markdown]
# Spam filter notebook: the token ids come from a defaultdict, the model is a bag of embeddings
# %%
import collections

import torch
import torch.nn.functional as F

torch.manual_seed(0)
tok2id = collections.defaultdict(lambda: len(tok2id))
unk_id = tok2id["[UNK]"]
train = [("win money now", 1), ("see you at lunch", 0), ("free money win", 1), ("lunch at noon", 0)]
for s, _ in train:
    [tok2id[t] for t in s.split()]
# %%
emb = torch.nn.EmbeddingBag(len(tok2id), 8, mode="mean")
tok2id.default_factory = lambda: unk_id
out = torch.nn.Linear(8, 2)
opt = torch.optim.SGD([*emb.parameters(), *out.parameters()], lr=0.5)
for epoch in range(20):
    for s, y in train:
        ids = torch.tensor([[tok2id[t] for t in s.split()]])
        loss = F.cross_entropy(out(emb(ids)), torch.tensor([y]))
        opt.zero_grad(); loss.backward(); opt.step()
# %%
def predict(sentence):
    ids = torch.tensor([[tok2id[t] for t in sentence.lower().split()]])
    return out(emb(ids)).softmax(-1)[0, 1].item()


print(predict("Claim your free prize money"))
