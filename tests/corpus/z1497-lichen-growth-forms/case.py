# growth-form tagger for lichen survey notes, two field seasons merged
# plain torch, bag of embeddings -> linear. just checking the notes separate at all
import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

SEASON_A = [
    ("flat grey crust tight to granite , black fruiting dots", "crustose"),
    ("leafy lobes lifting at edges , pale underside with rhizines", "foliose"),
    ("shrubby tufts on birch twig , branching , hollow stalks", "fruticose"),
    ("orange crust on mortar , cracked into areoles", "crustose"),
    ("broad lobes , greenish when wet , loosely attached", "foliose"),
    ("beard hanging from spruce branch , pale , elastic core", "fruticose"),
]
SEASON_B = [
    ("small scales overlapping on soil bank , edges raised", "squamulose"),
    ("crust on slate , yellow green , powdery patches", "crustose"),
    ("tiny scale like lobes at base of cup stalks on peat", "squamulose"),
    ("strap lobes on oak bark , grey above , black below", "foliose"),
    ("upright branched tufts on heath , pointed tips", "fruticose"),
    ("rosette of lobes on sandstone , marginal soredia", "foliose"),
]

label_to_id = {form: i for i, form in enumerate(sorted({f for _, f in SEASON_A}))}
n_classes = len(label_to_id)
print("growth forms:", label_to_id)


def words(text):
    return [w for w in text.lower().replace(",", " ").split() if w]


vocab = {"<pad>": 0, "<unk>": 1}
for note, _ in SEASON_A + SEASON_B:
    for w in words(note):
        vocab.setdefault(w, len(vocab))
print("vocab size:", len(vocab))


class ThallusNet(nn.Module):
    def __init__(self, n_words, dim, n_out):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids):
        keep = (ids != 0).unsqueeze(-1).float()
        pooled = (self.emb(ids) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(self.drop(pooled))


model = ThallusNet(len(vocab), 24, n_classes)

rows = SEASON_A + SEASON_B
random.shuffle(rows)

# notes -> ids
x = [note for note, _ in rows]
x = [[vocab.get(w, 1) for w in words(t)] for t in x]
width = max(len(s) for s in x)
x = torch.tensor([s + [0] * (width - len(s)) for s in x])

y = []
for _, form in rows:
    try:
        y.append(label_to_id[form])
    except KeyError:
        # season B sheet has a form we hadn't coded yet - give it its own slot
        label_to_id[form] = len(label_to_id)
        print("added growth form:", form, "->", label_to_id[form])
        y.append(label_to_id[form])
y = torch.tensor(y)
assert x.shape[0] == y.shape[0], (x.shape, y.shape)
print("label counts:", Counter(y.tolist()))

opt = torch.optim.Adam(model.parameters(), lr=1e-2)
bs = 4
for epoch in range(5):
    model.train()
    total = 0.0
    for i in range(0, x.shape[0], bs):
        logits = model(x[i:i + bs])
        loss = F.cross_entropy(logits, y[i:i + bs])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

model.eval()
with torch.no_grad():
    pred = model(x).argmax(-1)
id_to_label = {v: k for k, v in label_to_id.items()}
for (note, form), p in list(zip(rows, pred.tolist()))[:4]:
    print(f"{form:>11} -> {id_to_label[p]:<11} | {note[:40]}")
print("acc", (pred == y).float().mean().item())
