"""Triage NOTAM free text into categories; small BERT trained with an Accelerate loop.

Each notice gets an aerodrome-class marker token right after [CLS] so the model
can tell international fields from regional strips.
"""
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CATEGORIES = ("runway", "navaid", "obstacle", "airspace")
FIELD_TAGS = {"intl": "[INTL]", "regional": "[REGL]"}

RAW = [
    {"text": "rwy 09l/27r closed due to resurfacing works", "field": "intl", "cat": "runway"},
    {"text": "ils rwy 27 glidepath unserviceable", "field": "intl", "cat": "navaid"},
    {"text": "crane erected 1.2nm north of threshold height 310ft lit", "field": "regional", "cat": "obstacle"},
    {"text": "temporary restricted area activated for airshow", "field": "regional", "cat": "airspace"},
    {"text": "vor dme out of service", "field": "regional", "cat": "navaid"},
    {"text": "twy b and rwy 18 closed snow clearance in progress until further notice", "field": "intl", "cat": "runway"},
    {"text": "wind turbine farm unlit 3nm east", "field": "intl", "cat": "obstacle"},
    {"text": "parachute jumping activity within 2nm radius", "field": "regional", "cat": "airspace"},
]


@dataclass(frozen=True)
class LoopSettings:
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-4
    seed: int = 11


@dataclass(frozen=True)
class Notam:
    text: str
    field: str
    cat: str


class Featurizer:
    """raw notice -> dict of python lists (padding happens in the collate)."""

    def __init__(self, tokenizer, categories):
        self.tok = tokenizer
        self.cat_index = {c: i for i, c in enumerate(categories)}

    def __call__(self, n: Notam) -> dict:
        enc = self.tok(n.text)
        tag_id = self.tok.convert_tokens_to_ids(FIELD_TAGS[n.field])
        ids = enc["input_ids"][:1] + [tag_id] + enc["input_ids"][1:]
        keep = enc["attention_mask"][:1] + [1] + enc["attention_mask"][1:]
        return {"input_ids": ids, "attention_mask": keep,
                "labels": self.cat_index[n.cat]}


def pad_collate(feats, pad_id=0):
    out = {}
    for key in ("input_ids", "attention_mask"):
        seqs = [f[key] for f in feats]
        width = max(len(s) for s in seqs)
        out[key] = torch.tensor([s + [pad_id] * (width - len(s)) for s in seqs])
    out["labels"] = torch.tensor([f["labels"] for f in feats])
    return out


class Workflow:
    def __init__(self, raw, settings=LoopSettings()):
        self.notams = [Notam(**r) for r in raw]
        self.cfg = settings
        self.accelerator = Accelerator(cpu=True)
        set_seed(settings.seed)

    @functools.cached_property
    def tokenizer(self):
        vocab = sorted({w for n in self.notams for w in n.text.split()})
        d = tempfile.mkdtemp(prefix="notam_")
        path = os.path.join(d, "vocab.txt")
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *FIELD_TAGS.values()]
        with open(path, "w") as fh:
            fh.write("\n".join(specials + vocab) + "\n")
        return BertTokenizer(path, never_split=list(FIELD_TAGS.values()))

    @functools.cached_property
    def categories(self):
        return list(CATEGORIES)

    def prepare(self):
        featurize = Featurizer(self.tokenizer, self.categories)
        rows = [featurize(n) for n in self.notams]
        loader = DataLoader(rows, batch_size=self.cfg.batch_size, shuffle=True,
                            collate_fn=functools.partial(pad_collate, pad_id=self.tokenizer.pad_token_id))
        bert_cfg = BertConfig(vocab_size=len(self.tokenizer), hidden_size=32, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64, num_labels=len(self.categories))
        model = BertForSequenceClassification(bert_cfg)
        optim = torch.optim.AdamW(model.parameters(), lr=self.cfg.lr)
        self.model, self.optim, self.loader = self.accelerator.prepare(model, optim, loader)
        return self

    def fit(self):
        self.model.train()
        for epoch in range(self.cfg.epochs):
            running = 0.0
            for step, batch in enumerate(self.loader):
                out = self.model(**batch)
                self.accelerator.backward(out.loss)
                self.optim.step()
                self.optim.zero_grad()
                running += out.loss.item()
            self.accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
        return self

    def summary(self):
        n_params = sum(p.numel() for p in self.model.parameters())
        self.accelerator.print(f"done, {n_params} params, {len(self.notams)} notices")
        return self


if __name__ == "__main__":
    Workflow(RAW).prepare().fit().summary()
