"""lexclf: clause-type classification for contracts, packaged as a single module.

A document is encoded as [CLS] heading [SEP] body [SEP] schedule [SEP]; each section
gets its own segment embedding so the encoder can tell a heading from boilerplate.
"""
import os
import random
from dataclasses import dataclass, field
from enum import Enum

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
LEGAL_WORDS = (
    "agreement party parties shall terminate termination notice days written consent "
    "indemnify indemnification liability limited damages confidential information disclose "
    "governing law jurisdiction court arbitration dispute assign assignment successor "
    "payment fees invoice due interest late warranty warrants represents breach cure "
    "period force majeure event schedule annex exhibit section clause hereby herein "
    "thereof whereas licensee licensor term renewal effective date"
).split()


class Split(Enum):
    TRAIN = "train"
    DEV = "dev"


class SectionKind(Enum):
    HEADING = 0
    BODY = 1
    SCHEDULE = 2


class LabelSchemeRegistry:
    _schemes = {}

    @classmethod
    def register(cls, name):
        def deco(fn):
            cls._schemes[name] = fn()
            return fn
        return deco

    @classmethod
    def get(cls, name):
        return cls._schemes[name]


@LabelSchemeRegistry.register("clause-type-v2")
def _clause_type_v2():
    return ["termination", "indemnity", "confidentiality", "governing_law", "payment"]


@dataclass
class ModelSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 128
    n_segments: int = 2
    scheme: str = "clause-type-v2"

    @property
    def labels(self):
        return LabelSchemeRegistry.get(self.scheme)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + LEGAL_WORDS) + "\n")
    return path


class ContractDataset(Dataset):
    def __init__(self, split: Split, tokenizer, labels, n=24, seed=0):
        rng = random.Random(seed + (0 if split is Split.TRAIN else 1))
        self.tok = tokenizer
        self.rows = []
        for _ in range(n):
            sections = {
                SectionKind.HEADING: " ".join(rng.choices(LEGAL_WORDS, k=rng.randint(2, 4))),
                SectionKind.BODY: " ".join(rng.choices(LEGAL_WORDS, k=rng.randint(10, 25))),
                SectionKind.SCHEDULE: " ".join(rng.choices(LEGAL_WORDS, k=rng.randint(3, 8))),
            }
            self.rows.append((sections, rng.randrange(len(labels))))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        sections, label = self.rows[i]
        ids, segs = [self.tok.cls_token_id], [0]
        for kind in SectionKind:
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(sections[kind])) + [self.tok.sep_token_id]
            ids.extend(piece)
            segs.extend([kind.value] * len(piece))
        return {"input_ids": ids, "token_type_ids": segs, "label": label}


def collate(rows, pad_id=0):
    width = max(len(r["input_ids"]) for r in rows)
    out = {k: torch.full((len(rows), width), pad_id, dtype=torch.long) for k in ("input_ids", "token_type_ids")}
    out["attention_mask"] = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        out["input_ids"][i, :n] = torch.tensor(r["input_ids"])
        out["token_type_ids"][i, :n] = torch.tensor(r["token_type_ids"])
        out["attention_mask"][i, :n] = 1
    out["labels"] = torch.tensor([r["label"] for r in rows])
    return out


class ClauseTrainer:
    def __init__(self, model, loaders, lr=3e-4, epochs=1):
        self.model = model
        self.loaders = loaders
        self.epochs = epochs
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr)
        self.history = []

    @property
    def device(self):
        return next(self.model.parameters()).device

    @staticmethod
    def accuracy(logits, labels):
        return (logits.argmax(-1) == labels).float().mean().item()

    def on_batch_start(self, batch):
        return {k: v.to(self.device) for k, v in batch.items()}

    def on_step_end(self, step, loss, acc):
        self.history.append((step, loss, acc))
        if step % 4 == 0:
            print(f"step {step:03d} loss {loss:.4f} acc {acc:.3f}")

    def fit(self):
        step = 0
        for _ in range(self.epochs):
            self.model.train()
            for batch in self.loaders[Split.TRAIN]:
                batch = self.on_batch_start(batch)
                out = self.model(**batch)
                out.loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
                self.opt.zero_grad()
                step += 1
                self.on_step_end(step, out.loss.item(), self.accuracy(out.logits, batch["labels"]))
        return self.history


def main():
    torch.manual_seed(0)
    settings = ModelSettings()
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "lexclf_vocab.txt")))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=settings.layers,
        num_attention_heads=settings.heads,
        intermediate_size=settings.ffn,
        max_position_embeddings=settings.max_positions,
        type_vocab_size=settings.n_segments,
        num_labels=len(settings.labels),
    )
    model = BertForSequenceClassification(config)
    loaders = {
        split: DataLoader(ContractDataset(split, tokenizer, settings.labels), batch_size=8,
                          shuffle=split is Split.TRAIN, collate_fn=collate)
        for split in Split
    }
    history = ClauseTrainer(model, loaders).fit()
    print("final loss", history[-1][1])


if __name__ == "__main__":
    main()
