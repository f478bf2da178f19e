"""Small transformer classifier over tide-gauge maintenance logs.

Trains for a few epochs, checkpoints, and then (as the nightly job does) reloads the
checkpoint to score the latest batch of field reports.
"""
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from functools import partial

import torch
import torch.nn as nn

torch.manual_seed(11)


@dataclass
class GaugeConfig:
    vocab_size: int
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 1
    max_positions: int = 24
    max_tokens: int = 24
    dropout: float = 0.1
    n_classes: int = 3


CLASSES = ["routine", "sensor_fault", "surge_event"]
TRAIN_LOGS = [
    ("routine check float well clean", 0),
    ("pressure sensor drift of four cm replaced unit", 1),
    ("storm surge recorded water above datum by one metre", 2),
    ("routine visit battery voltage fine", 0),
    ("radar sensor offline no readings since tuesday", 1),
    ("surge peak logged during gale harbour flooded", 2),
]
NIGHTLY_LOGS = [
    "routine visit float well clean battery voltage fine logger clock checked against gps "
    "no drift observed stilling well flushed and inlet cleared of weed readings nominal",
    "radar sensor offline again after the gale water in the housing unit replaced and "
    "reading compared against tide staff offset of two cm noted for the next visit",
    "storm surge peak logged overnight water above datum harbour flooded",
]


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1, "<cls>": 2}
    for t in texts:
        for w in tokenize(t):
            vocab.setdefault(w, len(vocab))
    return vocab


def collate(texts, vocab, max_tokens):
    rows = []
    for t in texts:
        ids = [vocab["<cls>"]] + [vocab.get(w, vocab["<unk>"]) for w in tokenize(t)]
        rows.append(ids[:max_tokens])
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
    return ids, ids.eq(0)


class GaugeLogClassifier(nn.Module):
    def __init__(self, cfg: GaugeConfig):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(cfg.max_positions, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model,
                                           cfg.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Linear(cfg.d_model, cfg.n_classes)

    def forward(self, ids, pad_mask):
        pos = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok_emb(ids) + self.pos_emb(pos)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0])


# ---- training run ----
vocab = build_vocab(t for t, _ in TRAIN_LOGS)
cfg = GaugeConfig(vocab_size=len(vocab))
model = GaugeLogClassifier(cfg)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
to_batch = partial(collate, vocab=vocab, max_tokens=cfg.max_tokens)
ids, pad = to_batch([t for t, _ in TRAIN_LOGS])
y = torch.tensor([c for _, c in TRAIN_LOGS])
for epoch in range(1, 21):
    loss = nn.functional.cross_entropy(model(ids, pad), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}")

ckpt_dir = tempfile.mkdtemp(prefix="gauge_ckpt_")
ckpt_file = os.path.join(ckpt_dir, "last.pt")
torch.save({"model": model.state_dict(), "config": asdict(cfg), "vocab": vocab,
            "labels": CLASSES, "epoch": epoch}, ckpt_file)
print(f"saved checkpoint to {ckpt_file}")

# ---- nightly scoring run ----
state = torch.load(ckpt_file, weights_only=False)
# no dropout at inference; truncation must stay within the trained position table
resume_overrides = {"dropout": 0.0}
run_cfg = replace(GaugeConfig(**state["config"]), **resume_overrides)
scorer = GaugeLogClassifier(run_cfg)
scorer.load_state_dict(state["model"])
scorer.eval()

score_batch = partial(collate, vocab=state["vocab"], max_tokens=run_cfg.max_tokens)
ids, pad = score_batch(NIGHTLY_LOGS)
print(f"scoring {len(NIGHTLY_LOGS)} reports, batch shape {tuple(ids.shape)}")
with torch.no_grad():
    probs = scorer(ids, pad).softmax(-1)
for text, p in zip(NIGHTLY_LOGS, probs):
    print(f"{state['labels'][p.argmax().item()]:>13s} ({p.max().item():.2f})  {text[:50]}...")
