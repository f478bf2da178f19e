"""Ferry manifest screening: score (route, vessel, cargo) triples for a manual customs check.

Encoder/head/collator are picked from registries so the same script runs the
bert and the distilled variant from the settings dict.
"""
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

_REGISTRY = {"model": {}, "head": {}, "collator": {}}


def _register(kind, name):
    def deco(obj):
        _REGISTRY[kind][name] = obj
        return obj
    return deco


register_model = functools.partial(_register, "model")
register_head = functools.partial(_register, "head")
register_collator = functools.partial(_register, "collator")

CFG = {
    "model": {"type": "tiny_bert", "args": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                                            "intermediate_size": 64, "max_position_embeddings": 64,
                                            "type_vocab_size": 3}},
    "head": {"type": "linear_score", "args": {"hidden": 32}},
    "data": {"collator": {"type": "three_segment", "args": {"max_len": 48}}, "batch_size": 3},
    "seed": 7,
}

WORDS = ("harwich hook rosslare cherbourg stena britannica ulysses normandie "
         "refrigerated fish livestock tobacco pallets machinery spirits flowers scrap hazardous").split()

MANIFESTS = [
    ("harwich hook", "stena britannica", "refrigerated fish pallets"),
    ("rosslare cherbourg", "normandie", "livestock"),
    ("harwich hook", "ulysses", "tobacco spirits"),
    ("rosslare cherbourg", "stena britannica", "machinery pallets"),
    ("hook harwich", "ulysses", "flowers"),
    ("cherbourg rosslare", "normandie", "scrap hazardous"),
]
FLAGGED = [0, 0, 1, 0, 0, 1]


@dataclass
class Batch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    token_type_ids: torch.Tensor

    def as_kwargs(self):
        return vars(self)


@register_model("tiny_bert")
def tiny_bert(vocab_size, **kw):
    return BertModel(BertConfig(vocab_size=vocab_size, **kw))


@register_head("linear_score")
def linear_score(hidden):
    return nn.Linear(hidden, 1)


@register_collator("three_segment")
class ThreeSegmentCollator:
    """[CLS] route [SEP] vessel [SEP] cargo [SEP]"""

    def __init__(self, tokenizer, max_len=64):
        self.tok = tokenizer
        self.max_len = max_len

    def encode(self, fields):
        ids, segs = [self.tok.cls_token_id], [0]
        for seg_no, text in enumerate(fields):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(text)) + [self.tok.sep_token_id]
            ids += piece
            segs += [seg_no] * len(piece)
        return ids[: self.max_len], segs[: self.max_len]

    def __call__(self, rows):
        enc = [self.encode(r) for r in rows]
        width = max(len(i) for i, _ in enc)
        ids = torch.full((len(rows), width), self.tok.pad_token_id)
        field_ids = torch.zeros((len(rows), width), dtype=torch.long)
        for r, (i, s) in enumerate(enc):
            ids[r, : len(i)] = torch.tensor(i)
            field_ids[r, : len(s)] = torch.tensor(s)
        return Batch(ids, (ids != self.tok.pad_token_id).long(), field_ids)


def instantiate(kind, spec, **extra):
    return _REGISTRY[kind][spec["type"]](**extra, **spec["args"])


def write_vocab():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def chunks(seq, n):
    for k in range(0, len(seq), n):
        yield seq[k : k + n]


def main():
    torch.manual_seed(CFG["seed"])
    tokenizer = BertTokenizer(write_vocab())
    encoder = instantiate("model", CFG["model"], vocab_size=tokenizer.vocab_size)
    scorer = instantiate("head", CFG["head"])
    collate = instantiate("collator", CFG["data"]["collator"], tokenizer=tokenizer)
    print(f"encoder params: {sum(p.numel() for p in encoder.parameters()):,}")

    encoder.eval()
    targets = torch.tensor(FLAGGED, dtype=torch.float)
    scores = []
    with torch.no_grad():
        for rows in chunks(MANIFESTS, CFG["data"]["batch_size"]):
            batch = collate(rows)
            out = encoder(**batch.as_kwargs())
            scores.append(scorer(out.pooler_output).squeeze(-1))
    scores = torch.cat(scores)
    bce = nn.functional.binary_cross_entropy_with_logits(scores, targets)
    print("untrained bce:", round(bce.item(), 4))
    for (route, vessel, cargo), s in zip(MANIFESTS, scores.sigmoid().tolist()):
        print(f"{route:20s} {vessel:18s} {cargo:26s} p(check)={s:.3f}")


if __name__ == "__main__":
    main()
