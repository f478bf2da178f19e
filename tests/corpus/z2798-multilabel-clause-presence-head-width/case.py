"""clausescan: multi-label detection of standard clauses in commercial contracts."""
import os
import random
from dataclasses import dataclass
from enum import Enum
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

ROOT = os.path.dirname(os.path.abspath(__file__))


class Split(str, Enum):
    TRAIN = "train"
    VALID = "valid"


class ClauseRegistry:
    def __init__(self):
        self._schemes = {}

    def register(self, name):
        def deco(fn):
            self._schemes[name] = fn()
            return fn
        return deco

    def __getitem__(self, name):
        return self._schemes[name]


REGISTRY = ClauseRegistry()


@REGISTRY.register("commercial_v2")
def commercial_clauses():
    return ["indemnity", "limitation_of_liability", "confidentiality", "termination",
            "governing_law", "force_majeure", "assignment"]


KEYWORDS = {
    "indemnity": "indemnify hold harmless losses", "limitation_of_liability": "liability cap aggregate",
    "confidentiality": "confidential information disclose", "termination": "terminate notice breach",
    "governing_law": "governed laws courts", "force_majeure": "force majeure beyond control",
    "assignment": "assign transfer consent",
}
BOILERPLATE = "the parties agree that this contract shall each party may any other under hereof".split()


def make_docs(labels, n, rng):
    docs, targets = [], np.zeros((n, len(labels)), dtype=np.float32)
    for i in range(n):
        present = [j for j in range(len(labels)) if rng.random() < 0.35]
        words = rng.choices(BOILERPLATE, k=rng.randint(6, 14))
        for j in present:
            words += KEYWORDS[labels[j]].split()
            targets[i, j] = 1.0
        rng.shuffle(words)
        docs.append(" ".join(words))
    return docs, targets


@dataclass(frozen=True)
class Hyper:
    dim: int = 48
    max_len: int = 56
    batch_size: int = 6
    epochs: int = 2
    lr: float = 1e-3
    threshold: float = 0.5


class ClauseScanner(nn.Module):
    def __init__(self, config: DistilBertConfig, n_clauses: int):
        super().__init__()
        self.backbone = DistilBertModel(config)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(config.dim, n_clauses))

    @staticmethod
    def pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.unsqueeze(-1).type_as(hidden)
        mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return torch.cat([hidden[:, 0], mean], dim=-1)

    def forward(self, input_ids, attention_mask):
        hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.pool(hidden, attention_mask))


class ScanTrainer:
    def __init__(self, model, hp: Hyper, loaders):
        self.model, self.hp, self.loaders = model, hp, loaders
        self.criterion = nn.BCEWithLogitsLoss()
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=hp.lr, weight_decay=0.01)
        self.callbacks = {"on_batch_start": [], "on_step_end": []}
        self.step = 0

    def hook(self, name):
        return partial(self.callbacks[name].append)

    def _emit(self, name, *args):
        for cb in self.callbacks[name]:
            cb(self, *args)

    @property
    def n_params(self):
        return sum(p.numel() for p in self.model.parameters())

    @staticmethod
    def micro_f1(logits, gold, threshold):
        pred = (torch.sigmoid(logits) > threshold).float()
        tp = (pred * gold).sum()
        return (2 * tp / (pred.sum() + gold.sum()).clamp(min=1)).item()

    def run(self):
        print(f"training {self.n_params} parameters")
        for _ in range(self.hp.epochs):
            self.model.train()
            for ids, mask, y in self.loaders[Split.TRAIN]:
                self._emit("on_batch_start", ids)
                logits = self.model(ids, mask)
                loss = self.criterion(logits, y)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                self.step += 1
                self._emit("on_step_end", loss.item())
        self.model.eval()
        with torch.no_grad():
            scores = [self.micro_f1(self.model(i, m), y, self.hp.threshold) for i, m, y in self.loaders[Split.VALID]]
        return float(np.mean(scores))


def tensorize(tokenizer, docs, targets, max_len):
    enc = tokenizer(docs, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.from_numpy(targets))


def main():
    torch.manual_seed(7)
    rng = random.Random(7)
    hp = Hyper()
    clauses = REGISTRY["commercial_v2"]

    vocab_path = os.path.join(ROOT, "scan_vocab.txt")
    words = sorted({w for k in KEYWORDS.values() for w in k.split()} | set(BOILERPLATE))
    with open(vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    config = DistilBertConfig(vocab_size=tokenizer.vocab_size, dim=hp.dim, n_layers=1, n_heads=2,
                              hidden_dim=4 * hp.dim, max_position_embeddings=64)
    model = ClauseScanner(config, len(clauses))

    loaders = {}
    for split, n in ((Split.TRAIN, 60), (Split.VALID, 18)):
        docs, y = make_docs(clauses, n, rng)
        loaders[split] = DataLoader(tensorize(tokenizer, docs, y, hp.max_len), batch_size=hp.batch_size,
                                    shuffle=split == Split.TRAIN)

    trainer = ScanTrainer(model, hp, loaders)
    trainer.hook("on_step_end")(lambda t, l: t.step % 5 == 0 and print(f"step {t.step} bce {l:.4f}"))
    print(f"valid micro-F1: {trainer.run():.3f}")


if __name__ == "__main__":
    main()
