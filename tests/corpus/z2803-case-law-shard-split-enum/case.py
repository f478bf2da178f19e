"""lawarea: area-of-law classification for court opinion snippets (single-file package)."""
import csv
import glob
import os
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

BASE = os.path.dirname(os.path.abspath(__file__))
SHARD_DIR = os.path.join(BASE, "shards")


class Split(Enum):
    TRAIN = "train"
    VALIDATION = "validation"
    TEST = "test"


class LabelSchemes:
    _by_name = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        LabelSchemes._by_name[cls.NAME] = cls

    @classmethod
    def resolve(cls, name):
        return cls._by_name[name]

    @classmethod
    def encode(cls, label):
        return cls.LABELS.index(label)


class AreaOfLaw(LabelSchemes):
    NAME = "area"
    LABELS = ["contract", "tort", "property", "criminal"]
    CUES = {
        "contract": "breach consideration offer acceptance damages agreement",
        "tort": "negligence duty care plaintiff injury causation",
        "property": "easement title deed possession landlord tenant",
        "criminal": "defendant indictment sentence guilty prosecution evidence",
    }


SHARD_SIZES = {"train": 96, "dev": 24, "test": 24}
COMMON = "the court held that appellant appellee we affirm reverse remand judgment below".split()


@dataclass
class Settings:
    scheme: str = "area"
    max_len: int = 32
    batch_size: int = 16
    epochs: int = 2
    lr: float = 2e-3
    seed: int = 99
    callbacks: dict = field(default_factory=dict)


def write_vocab(scheme):
    words = sorted(set(COMMON) | {w for c in scheme.CUES.values() for w in c.split()})
    path = os.path.join(BASE, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def dump_shards(scheme, rng):
    os.makedirs(SHARD_DIR, exist_ok=True)
    for split_name, n in SHARD_SIZES.items():
        with open(os.path.join(SHARD_DIR, f"opinions_{split_name}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["text", "area"])
            for _ in range(n):
                area = scheme.LABELS[rng.integers(len(scheme.LABELS))]
                vocab = scheme.CUES[area].split() * 2 + COMMON
                w.writerow([" ".join(rng.choice(vocab, size=rng.integers(8, 24))), area])


def load_shards(pattern):
    shards = {}
    for path in sorted(glob.glob(pattern)):
        stem = os.path.splitext(os.path.basename(path))[0]
        split = Split(stem.split("_", 1)[1])
        with open(path, newline="") as fh:
            shards[split] = list(csv.DictReader(fh))
    return shards


class OpinionTrainer:
    def __init__(self, model, tokenizer, scheme, settings):
        self.model = model
        self.tokenizer = tokenizer
        self.scheme = scheme
        self.s = settings
        self.opt = torch.optim.AdamW(model.parameters(), lr=settings.lr)
        self.losses = []

    @staticmethod
    def _fire(callbacks, name, *args):
        for fn in callbacks.get(name, []):
            fn(*args)

    def tensorize(self, rows):
        enc = self.tokenizer([r["text"] for r in rows], padding="max_length", truncation=True,
                             max_length=self.s.max_len, return_tensors="pt")
        y = torch.tensor([self.scheme.encode(r["area"]) for r in rows])
        return TensorDataset(enc["input_ids"], enc["attention_mask"], y)

    def on_batch_start(self, ids, mask, y):
        self._fire(self.s.callbacks, "on_batch_start", ids.shape)

    def on_step_end(self, loss):
        self.losses.append(loss)
        self._fire(self.s.callbacks, "on_step_end", len(self.losses), loss)

    def fit(self, rows):
        loader = DataLoader(self.tensorize(rows), batch_size=self.s.batch_size, shuffle=True)
        self.model.train()
        for _ in range(self.s.epochs):
            for ids, mask, y in loader:
                self.on_batch_start(ids, mask, y)
                out = self.model(input_ids=ids, attention_mask=mask, labels=y)
                out.loss.backward()
                self.opt.step()
                self.opt.zero_grad()
                self.on_step_end(out.loss.item())

    @torch.no_grad()
    def accuracy(self, rows):
        self.model.eval()
        ids, mask, y = self.tensorize(rows).tensors
        return (self.model(input_ids=ids, attention_mask=mask).logits.argmax(-1) == y).float().mean().item()


def main():
    s = Settings()
    rng = np.random.default_rng(s.seed)
    torch.manual_seed(s.seed)
    scheme = LabelSchemes.resolve(s.scheme)
    tokenizer = BertTokenizer(write_vocab(scheme))
    dump_shards(scheme, rng)
    shards = load_shards(os.path.join(SHARD_DIR, "opinions_*.csv"))
    print({k.value: len(v) for k, v in shards.items()})

    model = BertForSequenceClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=s.max_len, num_labels=len(scheme.LABELS)))
    s.callbacks["on_step_end"] = [lambda step, loss: step % 6 == 0 and print(f"step {step}: {loss:.4f}")]
    trainer = OpinionTrainer(model, tokenizer, scheme, s)
    trainer.fit(shards[Split.TRAIN])
    print(f"validation acc {trainer.accuracy(shards[Split.VALIDATION]):.3f}")
    print(f"test acc {trainer.accuracy(shards[Split.TEST]):.3f}")


if __name__ == "__main__":
    main()
