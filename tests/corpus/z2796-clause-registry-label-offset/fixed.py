"""lexclass: contract document-type classifier (single-file package)."""
import os
import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Dict, List

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "lex_vocab.txt")

LEGAL_WORDS = ("agreement lease licence employment indemnity party parties shall hereby "
               "term termination notice governing law warranty confidential disclosure "
               "tenant landlord licensor licensee employer employee salary rent premises "
               "software liability damages breach arbitration jurisdiction effective date").split()


class Split(Enum):
    TRAIN = "train"
    DEV = "dev"


class LabelSchemeRegistry:
    _schemes: Dict[str, "LabelScheme"] = {}

    @classmethod
    def register(cls, scheme: "LabelScheme") -> "LabelScheme":
        cls._schemes[scheme.name] = scheme
        return scheme

    @classmethod
    def get(cls, name: str) -> "LabelScheme":
        return cls._schemes[name]


@dataclass
class LabelScheme:
    name: str
    labels: List[str]
    reserve_null: bool = False

    @property
    def label2id(self) -> Dict[str, int]:
        offset = 1 if self.reserve_null else 0
        return {lab: i + offset for i, lab in enumerate(self.labels)}

    @property
    def num_labels(self) -> int:
        return len(self.labels)


LabelSchemeRegistry.register(LabelScheme("doc_type", ["lease", "nda", "employment", "licence", "services"]))


def write_vocab(path: str) -> None:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + LEGAL_WORDS) + "\n")


def synth_corpus(n: int, labels: List[str], seed: int) -> List[dict]:
    rng = random.Random(seed)
    return [{"text": " ".join(rng.choices(LEGAL_WORDS, k=rng.randint(8, 30))),
             "label": rng.choice(labels)} for _ in range(n)]


class ContractDataset(Dataset):
    def __init__(self, records, tokenizer, scheme: LabelScheme, split: Split, max_len: int = 48):
        self.records, self.tok, self.scheme, self.split, self.max_len = records, tokenizer, scheme, split, max_len

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        enc = self.tok(rec["text"], truncation=True, max_length=self.max_len, padding="max_length")
        item = {k: torch.tensor(v) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.scheme.label2id[rec["label"]])
        return item


@dataclass
class TrainerArgs:
    epochs: int = 2
    batch_size: int = 8
    lr: float = 3e-4
    log_every: int = 5
    hooks: Dict[str, List[Callable]] = field(default_factory=lambda: {"on_batch_start": [], "on_step_end": []})


class DocTrainer:
    def __init__(self, model, args: TrainerArgs, loaders: Dict[Split, DataLoader]):
        self.model, self.args, self.loaders = model, args, loaders
        self.optim = torch.optim.AdamW(model.parameters(), lr=args.lr)
        self.global_step = 0

    def add_hook(self, event: str, fn: Callable) -> None:
        self.args.hooks[event].append(fn)

    def _fire(self, event: str, **kw) -> None:
        for fn in self.args.hooks[event]:
            fn(self, **kw)

    @staticmethod
    def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
        return (logits.argmax(-1) == labels).float().mean().item()

    @property
    def device(self):
        return next(self.model.parameters()).device

    def train(self) -> None:
        self.model.train()
        for epoch in range(self.args.epochs):
            for batch in self.loaders[Split.TRAIN]:
                self._fire("on_batch_start", batch=batch)
                batch = {k: v.to(self.device) for k, v in batch.items()}
                out = self.model(**batch)
                out.loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                self.global_step += 1
                self._fire("on_step_end", loss=out.loss.item(), acc=self.accuracy(out.logits, batch["labels"]))

    @torch.no_grad()
    def evaluate(self) -> float:
        self.model.eval()
        accs = [self.accuracy(self.model(**b).logits, b["labels"]) for b in self.loaders[Split.DEV]]
        return sum(accs) / max(len(accs), 1)


def log_step(trainer: DocTrainer, loss: float, acc: float) -> None:
    if trainer.global_step % trainer.args.log_every == 0:
        print(f"step {trainer.global_step:4d} loss {loss:.4f} acc {acc:.3f}")


def main():
    torch.manual_seed(0)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    scheme = LabelSchemeRegistry.get("doc_type")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=scheme.num_labels)
    model = BertForSequenceClassification(config)

    data = {Split.TRAIN: synth_corpus(64, scheme.labels, seed=1),
            Split.DEV: synth_corpus(16, scheme.labels, seed=2)}
    loaders = {s: DataLoader(ContractDataset(recs, tokenizer, scheme, s), batch_size=8,
                             shuffle=(s is Split.TRAIN)) for s, recs in data.items()}

    trainer = DocTrainer(model, TrainerArgs(), loaders)
    trainer.add_hook("on_step_end", log_step)
    trainer.train()
    print(f"dev accuracy: {trainer.evaluate():.3f}")


if __name__ == "__main__":
    main()
