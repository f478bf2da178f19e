from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, List

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

WORKDIR = os.path.dirname(os.path.abspath(__file__))
LEXICON = ("the supplier customer shall will may not must within thirty sixty days of receipt "
           "notice terminate agreement pay invoice fees liable for any indirect loss keep "
           "confidential information this governed by laws england wales courts exclusive "
           "jurisdiction each party warrants that it has authority enter into").split()


class Split(str, Enum):
    TRAIN = "train"
    VALID = "valid"


class TagSchemes:
    _registry: Dict[str, List[str]] = {}

    @classmethod
    def register(cls, name: str, tags: List[str]) -> None:
        cls._registry[name] = list(tags)

    @classmethod
    def resolve(cls, name: str) -> Dict[str, int]:
        return {t: i for i, t in enumerate(cls._registry[name])}


TagSchemes.register("cuad-lite", ["other", "termination", "payment", "liability", "confidentiality", "governing_law"])


@dataclass
class Contract:
    clauses: List[str]
    tags: List[int]


@dataclass
class DataSettings:
    max_clauses: int = 12
    max_clause_tokens: int = 24
    batch_size: int = 4


def synth_contracts(n: int, n_tags: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        k = rng.randint(3, 9)
        clauses = [" ".join(rng.choices(LEXICON, k=rng.randint(5, 18))) for _ in range(k)]
        yield Contract(clauses, [rng.randrange(n_tags) for _ in range(k)])


def make_collate(tokenizer: BertTokenizer, settings: DataSettings) -> Callable:
    def collate(contracts: List[Contract]) -> Dict[str, torch.Tensor]:
        flat = [c for doc in contracts for c in doc.clauses]
        enc = tokenizer(flat, padding=True, truncation=True, max_length=settings.max_clause_tokens, return_tensors="pt")
        width = max(len(doc.clauses) for doc in contracts)
        tags = np.full((len(contracts), width), -100, dtype=np.int64)
        pad_mask = np.ones((len(contracts), width), dtype=bool)
        for i, doc in enumerate(contracts):
            tags[i, : len(doc.tags)] = doc.tags
            pad_mask[i, : len(doc.clauses)] = False
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "clause_counts": torch.tensor([len(d.clauses) for d in contracts]),
            "clause_pad_mask": torch.from_numpy(pad_mask),
            "tags": torch.from_numpy(tags),
        }
    return collate


class HierarchicalClauseTagger(nn.Module):
    def __init__(self, vocab_size: int, n_tags: int, hidden: int = 32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.clause_encoder = BertModel(cfg, add_pooling_layer=False)
        layer = nn.TransformerEncoderLayer(hidden, nhead=2, dim_feedforward=64, batch_first=True)
        self.doc_encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(hidden, n_tags)

    def forward(self, input_ids, attention_mask, clause_counts, clause_pad_mask):
        cls_vecs = self.clause_encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        per_doc = pad_sequence(list(cls_vecs.split(clause_counts.tolist())), batch_first=True)
        ctx = self.doc_encoder(per_doc, src_key_padding_mask=clause_pad_mask)
        return self.head(ctx)


class TaggingTrainer:
    def __init__(self, model: nn.Module, loaders: Dict[Split, DataLoader], lr: float = 1e-3):
        self.model = model
        self.loaders = loaders
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
        self.loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
        self.global_step = 0
        self.log: List[float] = []

    @staticmethod
    def model_inputs(batch: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        return {k: v for k, v in batch.items() if k != "tags"}

    @property
    def mean_loss(self) -> float:
        return float(np.mean(self.log)) if self.log else float("nan")

    def on_batch_start(self, batch):
        self.model.train()
        self.optimizer.zero_grad()

    def on_step_end(self, loss: torch.Tensor):
        self.global_step += 1
        self.log.append(loss.item())
        if self.global_step % 5 == 0:
            print(f"step={self.global_step} mean_loss={self.mean_loss:.4f}")

    def train_epoch(self):
        for batch in self.loaders[Split.TRAIN]:
            self.on_batch_start(batch)
            logits = self.model(**self.model_inputs(batch))
            loss = self.loss_fn(logits.reshape(-1, logits.size(-1)), batch["tags"].reshape(-1))
            loss.backward()
            self.optimizer.step()
            self.on_step_end(loss)

    @torch.no_grad()
    def evaluate(self) -> float:
        self.model.eval()
        hits = total = 0
        for batch in self.loaders[Split.VALID]:
            pred = self.model(**self.model_inputs(batch)).argmax(-1)
            keep = batch["tags"] != -100
            hits += (pred[keep] == batch["tags"][keep]).sum().item()
            total += keep.sum().item()
        return hits / max(total, 1)


def main():
    torch.manual_seed(1)
    vocab_path = os.path.join(WORKDIR, "clause_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(LEXICON))) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    tag2id = TagSchemes.resolve("cuad-lite")
    settings = DataSettings()
    collate = make_collate(tokenizer, settings)
    loaders = {
        split: DataLoader(list(synth_contracts(20 if split is Split.TRAIN else 8, len(tag2id), seed=i)),
                          batch_size=settings.batch_size, shuffle=split is Split.TRAIN, collate_fn=collate)
        for i, split in enumerate(Split)
    }
    model = HierarchicalClauseTagger(tokenizer.vocab_size, len(tag2id))
    trainer = TaggingTrainer(model, loaders)
    for epoch in range(2):
        trainer.train_epoch()
        print(f"epoch {epoch} valid clause acc {trainer.evaluate():.3f}")


if __name__ == "__main__":
    main()
