"""Embed tide-gauge station bulletins with a small BERT encoder.

Bulletins are turned into ids with a hand-rolled word-level encoder,
then mean-pooled into one vector per station.
"""
import torch
from transformers import BertConfig, BertModel

torch.manual_seed(0)

BULLETINS = {
    "harbour_north": "high water 4.2 m at 06:10 low water 0.8 m at 12:25 surge small",
    "estuary_gate": "gate closed at 05:40 river flow high tide holding at 3.9 m",
    "outer_buoy": (
        "swell from the west 2 m period 9 s wind backing south west "
        "high water 4.4 m at 06:02 low water 0.6 m at 12:14 surge rising "
        "gauge drift checked against staff reading within 2 cm "
        "battery 81 percent"
    ),
    "marina_pontoon": "pontoon gauge reading 3.7 m at high water no surge",
}


class Encoder:
    PAD, UNK, CLS = 0, 1, 2

    def __init__(self, vocab, max_len=None):
        self.vocab = vocab
        self.max_len = max_len

    def ids(self, text):
        return [self.CLS] + [self.vocab.get(w, self.UNK) for w in text.lower().split()]

    def encode(self, texts):
        rows = [self.ids(t) for t in texts]
        longest = max(len(r) for r in rows)
        width = self.max_len or longest
        ids = torch.full((len(rows), width), self.PAD, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            r = r[:width]
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        return {"input_ids": ids, "attention_mask": mask}


def build_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    return {w: i + 3 for i, w in enumerate(words)}


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).float()
    return (hidden * m).sum(1) / m.sum(1)


vocab = build_vocab(BULLETINS.values())
enc = Encoder(vocab, max_len=32)
config = BertConfig(
    vocab_size=len(vocab) + 3,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
)
model = BertModel(config).eval()

names = list(BULLETINS)
batch = enc.encode([BULLETINS[n] for n in names])
print(f"{len(names)} stations, batch shape {tuple(batch['input_ids'].shape)}")

with torch.no_grad():
    hidden = model(**batch).last_hidden_state
vectors = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1)

sims = vectors @ vectors.T
for i, name in enumerate(names):
    j = max((k for k in range(len(names)) if k != i), key=lambda k: sims[i, k].item())
    print(f"{name:>15} closest to {names[j]} ({sims[i, j].item():.3f})")
