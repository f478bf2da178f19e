# Hive inspection notes -> problem category, small transformer encoder in plain torch.
# Compare per-category F1 against last season's numbers before swapping the model in.
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5); torch.manual_seed(5)

CATS = ["varroa", "queenless", "swarming", "foulbrood", "starvation", "healthy"]
LAST_SEASON_F1 = [0.71, 0.64, 0.58, 0.80, 0.52, 0.77]

train_notes = [
    ("mites on drone brood and deformed wings seen", 0), ("sugar roll gave many mites", 0),
    ("varroa count high after the honey flow", 0), ("no eggs no queen seen and angry bees", 1),
    ("laying workers present no young brood", 1), ("queen missing and emergency cells drawn", 1),
    ("many queen cells along the bottom bars", 2), ("bees clustering outside and queen cells capped", 2),
    ("half the colony left and hung in the hedge", 2), ("sunken cappings with a bad smell", 3),
    ("ropey brood test positive", 3), ("patchy brood and perforated cappings", 3),
    ("no stores left and bees head first in cells", 4), ("light hive in spring with dead bees", 4),
    ("colony weak and frames empty of honey", 4), ("good brood pattern and calm bees", 5),
    ("queen seen laying well with plenty of stores", 5), ("strong colony and honey coming in", 5),
]
val_notes = [
    ("mites seen on bees at the entrance", 0), ("deformed wings on young bees", 0),
    ("no queen and no eggs on any frame", 1), ("queen cells capped on three frames", 2),
    ("smell from brood and sunken cappings", 3), ("empty frames and bees starving", 4),
    ("calm bees and good stores", 5), ("strong colony with a good laying queen", 5),
    ("bees hanging in a cluster outside", 2), ("laying workers and drone brood only", 1),
]


@dataclass
class Cfg:
    max_len: int = 16
    dim: int = 32
    epochs: int = 40
    lr: float = 3e-3
    ckpt: str = os.path.expanduser("~/apiary/notes_encoder.pt")


cfg = Cfg()
vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in train_notes + val_notes:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


def encode(texts, max_len):
    out = torch.zeros(len(texts), max_len, dtype=torch.long)
    for i, t in enumerate(texts):
        ids = [vocab.get(w, 1) for w in t.split()][:max_len]
        out[i, :len(ids)] = torch.tensor(ids)
    return out


class NoteEncoder(nn.Module):
    def __init__(self, n_vocab, dim, n_cls):
        super().__init__()
        self.emb = nn.Embedding(n_vocab, dim, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(64, dim) * 0.02)
        self.enc = nn.TransformerEncoderLayer(dim, 2, dim * 2, batch_first=True, dropout=0.0)
        self.head = nn.Linear(dim, n_cls)

    def forward(self, ids):
        pad = ids.eq(0)
        h = self.enc(self.emb(ids) + self.pos[: ids.size(1)], src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return self.head((h * keep).sum(1) / keep.sum(1).clamp(min=1))


x = [t for t, _ in train_notes]
y = torch.tensor([c for _, c in train_notes])
cfg.max_len = max(len(t.split()) for t in x) + 2   # 16 was cutting nothing, keep it tight
x = encode(x, cfg.max_len)

model = NoteEncoder(len(vocab), cfg.dim, len(CATS))
try:
    model.load_state_dict(torch.load(cfg.ckpt))
    print("loaded", cfg.ckpt)
except (FileNotFoundError, RuntimeError) as err:
    print("no usable checkpoint (%s), training from scratch" % type(err).__name__)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for ep in range(cfg.epochs):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
        if ep % 10 == 0:
            print(f"epoch {ep:2d} loss {loss.item():.3f}")

model.eval()
vx = encode([t for t, _ in val_notes], cfg.max_len)
vy = torch.tensor([c for _, c in val_notes])
with torch.no_grad():
    probs = model(vx).softmax(-1)
pred = probs.argmax(-1)


def f1_per_class(pred, gold, n):
    res = torch.zeros(n)
    for c in range(n):
        tp = ((pred == c) & (gold == c)).sum().float()
        prec = tp / (pred == c).sum().clamp(min=1)
        rec = tp / (gold == c).sum().clamp(min=1)
        res[c] = 0.0 if tp == 0 else 2 * prec * rec / (prec + rec)
    return res


scores = f1_per_class(pred, vy, len(CATS))
for name, s in zip(CATS, scores.tolist()):
    print(f"  {name:11s} f1={s:.2f}")
assert scores.shape == (len(CATS),)

# quick look: which notes is it unsure about?
conf = probs.max(-1).values
for (text, _), s in zip(val_notes, conf.tolist()):
    if s < 0.5:
        print(f"  unsure ({s:.2f}): {text}")

base = torch.tensor(LAST_SEASON_F1)
regressed = scores < base - 0.05
print("regressed categories:", [c for c, r in zip(CATS, regressed.tolist()) if r])
print("macro f1 now %.3f vs last season %.3f" % (scores.mean(), base.mean()))
