"""Rerank herbarium specimen labels for curator queries.

The catalogue's keyword index hands back a short pool of specimen labels per
query; a small cross-encoder rescores (query, label) pairs and the best few go
to the curator's screen.  Trained with grouped softmax: one true label plus
sampled negatives per query.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(11)
torch.manual_seed(11)

SPECIMENS = [
    "pressed fern coastal cliff sori marginal fronds bipinnate",
    "moss cushion granite boulder capsules erect red setae",
    "sedge wet meadow triangular stem spikelets brown",
    "orchid limestone grassland purple spur tuber pair",
    "lichen fruticose birch bark grey green branches",
    "fern woodland stream sori round fronds pinnate",
    "grass dune sand rhizome long blue leaves rolled",
    "rush bog margin brown capsule cylindrical stem",
    "clubmoss heath upright cones yellow spores",
    "liverwort shaded rock thalloid gemma cups",
]
TRAIN = [
    ("fern with marginal sori on a sea cliff", 0),
    ("red setae moss on granite", 1),
    ("triangular stemmed sedge from a wet meadow", 2),
    ("purple orchid on limestone", 3),
    ("grey lichen on birch", 4),
    ("pinnate fern by a woodland stream", 5),
    ("blue rolled leaves dune grass", 6),
    ("cones on heath clubmoss", 8),
]
# (query, candidate pool returned by the keyword index)
SERVE = [
    ("fern sori fronds", [0, 5, 2, 8, 9]),
    ("brown capsule stem", [7, 2, 1, 6, 3]),
]

DEFAULTS = {"hidden": 32, "heads": 2, "max_len": 40, "group_size": 6, "show": 3, "lr": 3e-3, "epochs": 4}
TASK_OVERRIDES = {"serve": {"epochs": 0}, "debug": {"epochs": 1, "group_size": 4}}


class Config:
    __slots__ = ("vocab", "hidden", "heads", "max_len", "group_size", "show", "lr", "epochs")

    def __init__(self, vocab, **kw):
        self.vocab = vocab
        for k in self.__slots__[1:]:
            setattr(self, k, kw[k])

    @classmethod
    def from_dict(cls, d, vocab):
        return cls(vocab, **d)

    @classmethod
    def for_task(cls, task, vocab):
        d = dict(DEFAULTS)
        d.update(TASK_OVERRIDES.get(task, {}))
        return cls.from_dict(d, vocab)

    @property
    def vocab_size(self):
        return len(self.vocab)

    @property
    def top_k(self):
        return self.show


class PairScorer(nn.Module):
    def __init__(self, vocab_size, hidden, heads, max_len):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.pos = nn.Embedding(max_len, hidden)
        self.seg = nn.Embedding(2, hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, hidden * 2, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(hidden, 1)

    @classmethod
    def from_config(cls, cfg):
        return cls(cfg.vocab_size, cfg.hidden, cfg.heads, cfg.max_len)

    def forward(self, ids, seg, pad):
        where = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.tok(ids) + self.pos(where) + self.seg(seg)
        h = self.enc(h, src_key_padding_mask=pad)
        return self.out(h[:, 0]).squeeze(-1)


class PairBatcher:
    __slots__ = ("vocab",)

    def __init__(self, vocab):
        self.vocab = vocab

    @staticmethod
    def build_vocab(texts):
        words = sorted({w for t in texts for w in t.split()})
        return {w: i for i, w in enumerate(["[PAD]", "[CLS]", "[SEP]", "[UNK]"] + words)}

    def encode(self, query, label):
        q = [self.vocab.get(w, 3) for w in query.split()]
        d = [self.vocab.get(w, 3) for w in label.split()]
        return [1] + q + [2] + d + [2], [0] * (len(q) + 2) + [1] * (len(d) + 1)

    def __call__(self, query, labels):
        rows = [self.encode(query, l) for l in labels]
        width = max(len(r[0]) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        seg = torch.zeros(len(rows), width, dtype=torch.long)
        for i, (tok, s) in enumerate(rows):
            ids[i, : len(tok)] = torch.tensor(tok)
            seg[i, : len(s)] = torch.tensor(s)
        return ids, seg, ids.eq(0)


def train(model, batcher, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model.train()
    for epoch in range(cfg.epochs):
        total = 0.0
        for query, gold in TRAIN:
            negs = random.sample([i for i in range(len(SPECIMENS)) if i != gold], cfg.group_size - 1)
            group = [SPECIMENS[gold]] + [SPECIMENS[i] for i in negs]
            scores = model(*batcher(query, group))
            loss = F.cross_entropy(scores.unsqueeze(0), torch.zeros(1, dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: grouped loss {total / len(TRAIN):.4f}")


@torch.no_grad()
def rerank(model, batcher, cfg, query, pool):
    model.eval()
    scores = model(*batcher(query, [SPECIMENS[i] for i in pool]))
    best, order = torch.topk(scores, k=cfg.top_k)
    return [(pool[j], round(s, 3)) for j, s in zip(order.tolist(), best.tolist())]


if __name__ == "__main__":
    vocab = PairBatcher.build_vocab(SPECIMENS + [q for q, _ in TRAIN] + [q for q, _ in SERVE])
    cfg = Config.for_task("train", vocab)
    model = PairScorer.from_config(cfg)
    batcher = PairBatcher(vocab)
    print(f"vocab {cfg.vocab_size} words, group size {cfg.group_size}")
    train(model, batcher, cfg)
    for query, pool in SERVE:
        hits = rerank(model, batcher, cfg, query, pool)
        print(f"{query!r} -> {hits}")
