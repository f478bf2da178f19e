# Flag customs manifest lines for physical inspection.
# Each manifest line has three free-text fields (shipper, goods, origin port); we
# feed them to a small BERT as separate segments and score with a linear head.
import contextlib
import functools
import os
import tempfile
import time
from dataclasses import dataclass

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

FIELDS = ("shipper", "goods", "origin")
ENCODERS = {}


def register(name):
    def deco(fn):
        ENCODERS[name] = fn
        return fn
    return deco


def timed(fn):
    @functools.wraps(fn)
    def inner(*a, **kw):
        start = time.time()
        try:
            return fn(*a, **kw)
        finally:
            print(f"  ({fn.__name__}: {time.time() - start:.2f}s)")
    return inner


def with_no_grad(fn):
    @functools.wraps(fn)
    def inner(*a, **kw):
        with torch.no_grad():
            return fn(*a, **kw)
    return inner


def log_shapes(fn):
    @functools.wraps(fn)
    def inner(self, **feats):
        print("  " + ", ".join(f"{k}={list(v.shape)}" for k, v in feats.items()))
        return fn(self, **feats)
    return inner


@contextlib.contextmanager
def evaluating(module):
    prev = module.training
    module.eval()
    yield
    module.train(prev)


@dataclass
class ManifestLine:
    shipper: str
    goods: str
    origin: str
    inspect: int


LINES = [
    ManifestLine("acme freight ltd", "machine parts bolts", "rotterdam", 0),
    ManifestLine("unknown consignor", "assorted electronics undeclared value", "free zone", 1),
    ManifestLine("green valley farms", "dried herbs", "mombasa", 1),
    ManifestLine("acme freight ltd", "textiles cotton rolls", "rotterdam", 0),
    ManifestLine("blue ocean trading", "used tyres", "free zone", 1),
    ManifestLine("northern paper co", "paper rolls", "hamburg", 0),
]


def write_vocab():
    words = sorted({w for ln in LINES for f in FIELDS for w in getattr(ln, f).split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@register("segmented")
def encode_segmented(tok, line, max_len=40):
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(getattr(line, field))) + [tok.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    ids, segs = ids[:max_len], segs[:max_len]
    pad = max_len - len(ids)
    return {
        "input_ids": ids + [tok.pad_token_id] * pad,
        "token_type_ids": segs + [0] * pad,
        "attention_mask": [1] * len(ids) + [0] * pad,
    }


def collate(tok, lines, encoder="segmented"):
    rows = [ENCODERS[encoder](tok, ln) for ln in lines]
    batch = {k: torch.tensor([r[k] for r in rows]) for k in rows[0]}
    return batch, torch.tensor([ln.inspect for ln in lines], dtype=torch.float)


class InspectionScorer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, 1)

    @log_shapes
    def forward(self, **feats):
        out = self.bert(**feats)
        return self.score(out.pooler_output).squeeze(-1)


@timed
def train(model, tok, rounds=4):
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    lossf = nn.BCEWithLogitsLoss()
    for r in range(rounds):
        feats, y = collate(tok, LINES)
        loss = lossf(model(**feats), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"round {r} loss={loss.item():.4f}")


@with_no_grad
def risk_scores(model, tok, lines):
    with evaluating(model):
        feats, _ = collate(tok, lines)
        return torch.sigmoid(model(**feats)).tolist()


def main():
    tok = BertTokenizer(write_vocab())
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     type_vocab_size=len(FIELDS))
    model = InspectionScorer(cfg)
    train(model, tok)
    for ln, p in zip(LINES, risk_scores(model, tok, LINES)):
        print(f"{ln.shipper:<22} {ln.goods:<40} p(inspect)={p:.2f}")


if __name__ == "__main__":
    main()
