"""Classify railway interlocking log lines into fault families.

Logs are replayed from two signal boxes as one stream; a tiny BERT encoder
feeds a position-weighted pooling head (fault codes tend to sit at the end
of a line, so later tokens count more).
"""
import itertools
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import IterableDataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

FAMILIES = ["track_circuit", "point_machine", "signal_lamp"]
BOX_NORTH = [
    ("tc 114 shows occupied with no train in section after heavy rain relay dropped code e41", 0),
    ("points 22a failed to detect normal", 1),
    ("lamp proving lost red aspect s17", 2),
    ("tc 90 flicker", 0),
]
BOX_SOUTH = [
    ("points 7b slow to reverse", 1),
    ("s4 filament fail", 2),
    ("", 0),
    ("tc 12 bobbing", 0),
    ("points 3 out of correspondence", 1),
]

VOCAB = sorted({w for text, _ in BOX_NORTH + BOX_SOUTH for w in text.split()})


def make_tokenizer():
    d = tempfile.mkdtemp(prefix="ixl_")
    p = os.path.join(d, "vocab.txt")
    with open(p, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB) + "\n")
    return BertTokenizer(p)


class SignalLog(IterableDataset):
    def __init__(self, boxes, tok):
        self.boxes, self.tok = boxes, tok

    def __iter__(self):
        rows = itertools.chain(*self.boxes)
        rows = filter(lambda r: r[0], rows)
        return ({"ids": self.tok.encode(text), "family": fam} for text, fam in rows)


def peek(stream, k=4):
    it = iter(stream)
    first = list(itertools.islice(it, k))
    return first, itertools.chain(first, it)


def by_length(stream, batch_size, pool=6):
    it = iter(stream)
    while pool_items := sorted(itertools.islice(it, pool), key=lambda r: len(r["ids"])):
        for _, chunk in itertools.groupby(enumerate(pool_items), lambda p: p[0] // batch_size):
            yield [r for _, r in chunk]


def to_tensors(rows, pad_id):
    width = max(len(r["ids"]) for r in rows)
    ids = torch.tensor([r["ids"] + [pad_id] * (width - len(r["ids"])) for r in rows])
    keep = (ids != pad_id).long()
    return ids, keep, torch.tensor([r["family"] for r in rows])


class WeightedPoolClassifier(nn.Module):
    def __init__(self, config, span, n_classes):
        super().__init__()
        self.encoder = BertModel(config)
        self.span = span
        self.head = nn.Linear(config.hidden_size, n_classes)

    def forward(self, ids, keep):
        hidden = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        pooled = torch.zeros(hidden.size(0), hidden.size(2))
        total = torch.zeros(hidden.size(0), 1)
        for t in range(self.span):
            w = (1.0 + t / self.span) * keep[:, t : t + 1].float()
            pooled = pooled + w * hidden[:, t]
            total = total + w
        return self.head(pooled / total.clamp(min=1e-6))


def fit(model, batches, opt, loss_fn):
    for i, (ids, keep, fam) in enumerate(batches):
        loss = loss_fn(model(ids, keep), fam)
        opt.zero_grad()
        loss.backward()
        opt.step()
        yield i, ids.shape, loss.item()


def main():
    tok = make_tokenizer()
    first, stream = peek(SignalLog([BOX_NORTH, BOX_SOUTH], tok))
    span = max(len(r["ids"]) for r in first)
    print(f"pooling span from first {len(first)} lines: {span}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = WeightedPoolClassifier(cfg, span=span, n_classes=len(FAMILIES))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    collate = partial(to_tensors, pad_id=tok.pad_token_id)
    batches = map(collate, by_length(stream, batch_size=2))
    for i, shape, loss in fit(model, batches, opt, nn.CrossEntropyLoss()):
        print(f"batch {i} {tuple(shape)} loss={loss:.4f}")


if __name__ == "__main__":
    main()
