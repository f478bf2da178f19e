# %% [markdown]
# Herbarium sheet labels -> plant family. Small BERT-style encoder in plain torch, top-k accuracy
# because curators accept a shortlist of three families for manual checking.

# %%
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0); random.seed(0)
D_MODEL = 48
TOPK = 3

# %%
sheets = [
    ("umbel of small white flowers hollow ribbed stem", "Apiaceae", 1),
    ("aromatic seeds paired dry fruit ribbed stem", "Apiaceae", 0),
    ("composite head ray florets yellow disc", "Asteraceae", 1),
    ("pappus of bristles achene dry composite head", "Asteraceae", 0),
    ("square stem opposite leaves aromatic two lipped corolla", "Lamiaceae", 1),
    ("square stem nutlets four opposite leaves", "Lamiaceae", 0),
    ("pea like flowers banner wings keel", "Fabaceae", 1),
    ("legume pod compound leaves stipules", "Fabaceae", 0),
    ("four petals cross shaped six stamens", "Brassicaceae", 1),
    ("silique long pod peppery leaves rosette", "Brassicaceae", 0),
    ("sheathing leaves spikelets hollow jointed culm", "Poaceae", 0),
    ("feathery panicle spikelets awns culm", "Poaceae", 1),
    ("five petals many stamens hip fruit prickles", "Rosaceae", 1),
    ("pome fruit serrate leaves stipules", "Rosaceae", 0),
    ("showy tepals bulb parallel veins", "Liliaceae", 1),
    ("bulb linear leaves capsule three valved", "Liliaceae", 0),
]
FAMILIES = sorted({f for _, f, _ in sheets})
fam2id = {f: i for i, f in enumerate(FAMILIES)}
vocab = {"[PAD]": 0, "[CLS]": 1}
for txt, _, _ in sheets:
    for w in txt.split():
        vocab.setdefault(w, len(vocab))

def to_ids(txt, max_len=12):
    ids = [1] + [vocab[w] for w in txt.split()][: max_len - 1]
    return ids + [0] * (max_len - len(ids))

X = torch.tensor([to_ids(t) for t, _, _ in sheets])
y_family = torch.tensor([fam2id[f] for _, f, _ in sheets])
y_flowering = torch.tensor([fl for _, _, fl in sheets])
print("X", tuple(X.shape), "families", len(FAMILIES))

# %%
class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, d, max_len=12):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Embedding(max_len, d)
        layer = nn.TransformerEncoderLayer(d, nhead=4, dim_feedforward=2 * d, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)

    def forward(self, ids):
        pos = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.enc(self.tok(ids) + self.pos(pos), src_key_padding_mask=ids.eq(0))
        return h[:, 0]  # CLS vector

encoder = TinyEncoder(len(vocab), D_MODEL)
head = nn.Linear(D_MODEL, len(FAMILIES))
opt = torch.optim.AdamW(list(encoder.parameters()) + list(head.parameters()), lr=3e-3)

for epoch in range(3):
    encoder.train()
    loss = F.cross_entropy(head(encoder(X)), y_family)
    opt.zero_grad(); loss.backward(); opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.3f}")

# %%
# quick check: does the CLS vector also know whether the sheet was collected in flower?
encoder.eval()
with torch.no_grad():
    feats = encoder(X)
head = nn.Linear(D_MODEL, 2)
probe_opt = torch.optim.SGD(head.parameters(), lr=0.5)
for _ in range(5):
    probe_loss = F.cross_entropy(head(feats), y_flowering)
    probe_opt.zero_grad(); probe_loss.backward(); probe_opt.step()
print("flowering probe acc", (head(feats).argmax(-1) == y_flowering).float().mean().item())

# %%
def topk_accuracy(logits, gold, k):
    shortlist = logits.topk(k, dim=-1).indices
    return (shortlist == gold.unsqueeze(-1)).any(-1).float().mean().item()

with torch.no_grad():
    fam_logits = head(encoder(X))
print("logits", tuple(fam_logits.shape))
print("top-1", topk_accuracy(fam_logits, y_family, 1))
print(f"top-{TOPK}", topk_accuracy(fam_logits, y_family, TOPK))
