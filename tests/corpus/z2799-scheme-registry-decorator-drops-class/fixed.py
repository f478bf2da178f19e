"""provisio: provision-type classification for contract paragraphs (LEDGAR-style)."""
import os
import random
from dataclasses import dataclass
from enum import Enum
from typing import Dict, Iterable, List

import torch
from transformers import BertTokenizer, RobertaConfig, RobertaForSequenceClassification

WORKDIR = os.path.dirname(os.path.abspath(__file__))


class Split(Enum):
    TRAIN = "train"
    TEST = "test"


class Registry:
    def __init__(self, kind: str):
        self.kind = kind
        self._items: Dict[str, type] = {}

    def register(self, name: str):
        def wrap(cls):
            if name in self._items:
                raise ValueError(f"{self.kind} {name!r} already registered")
            self._items[name] = cls
            return cls
        return wrap

    def build(self, name: str, **kwargs):
        return self._items[name](**kwargs)

    def __contains__(self, name: str) -> bool:
        return name in self._items


SCHEMES = Registry("label scheme")


class LabelScheme:
    LABELS: List[str] = []

    def __init__(self, lowercase: bool = True):
        self.lowercase = lowercase
        self.label2id = {lab: i for i, lab in enumerate(self.LABELS)}

    def __len__(self):
        return len(self.LABELS)

    @staticmethod
    def label_names() -> List[str]:
        raise NotImplementedError


@SCHEMES.register("ledgar_top6")
class LedgarTop6(LabelScheme):
    LABELS = ["Governing Laws", "Notices", "Severability", "Counterparts", "Entire Agreements", "Waivers"]

    @staticmethod
    def label_names() -> List[str]:
        return [lab.lower().replace(" ", "_") for lab in LedgarTop6.LABELS]


CUES = {
    "Governing Laws": "governed construed laws state", "Notices": "notice writing delivered address",
    "Severability": "invalid unenforceable provision remaining", "Counterparts": "counterparts executed original",
    "Entire Agreements": "entire understanding supersedes prior", "Waivers": "waiver failure exercise right",
}
COMMON = "this agreement the parties shall be in and of any by hereto such".split()


@dataclass
class Paragraph:
    text: str
    provision: str


def paragraphs(n: int, labels: List[str], seed: int) -> List[Paragraph]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lab = rng.choice(labels)
        words = rng.choices(COMMON, k=rng.randint(5, 12)) + CUES[lab].split()
        rng.shuffle(words)
        out.append(Paragraph(" ".join(words), lab))
    return out


def batched(items: List[Paragraph], size: int, tokenizer, scheme: LabelScheme, max_len: int) -> Iterable[dict]:
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        texts = [p.text.lower() if scheme.lowercase else p.text for p in chunk]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([scheme.label2id[p.provision] for p in chunk])
        yield dict(enc)


class ProvisionTrainer:
    def __init__(self, model, tokenizer, scheme, epochs: int = 3, batch_size: int = 8, max_len: int = 32):
        self.model, self.tokenizer, self.scheme = model, tokenizer, scheme
        self.epochs, self.batch_size, self.max_len = epochs, batch_size, max_len
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        self.losses: List[float] = []

    def on_batch_start(self, batch: dict) -> dict:
        batch.pop("token_type_ids", None)
        return batch

    def on_step_end(self, epoch: int, loss: torch.Tensor) -> None:
        self.losses.append(loss.item())

    @property
    def last_epoch_loss(self) -> float:
        return sum(self.losses[-4:]) / len(self.losses[-4:])

    def fit(self, data: List[Paragraph]) -> None:
        self.model.train()
        for epoch in range(self.epochs):
            for batch in batched(data, self.batch_size, self.tokenizer, self.scheme, self.max_len):
                batch = self.on_batch_start(batch)
                loss = self.model(**batch).loss
                loss.backward()
                self.optimizer.step()
                self.optimizer.zero_grad()
                self.on_step_end(epoch, loss)
            print(f"epoch {epoch} loss {self.last_epoch_loss:.4f}")

    @torch.no_grad()
    def confusion(self, data: List[Paragraph]) -> torch.Tensor:
        self.model.eval()
        mat = torch.zeros(len(self.scheme), len(self.scheme), dtype=torch.long)
        for batch in batched(data, self.batch_size, self.tokenizer, self.scheme, self.max_len):
            gold = batch.pop("labels")
            pred = self.model(**self.on_batch_start(batch)).logits.argmax(-1)
            for g, p in zip(gold.tolist(), pred.tolist()):
                mat[g, p] += 1
        return mat


def main():
    torch.manual_seed(3)
    vocab = os.path.join(WORKDIR, "provisio_vocab.txt")
    with open(vocab, "w") as fh:
        tokens = sorted({w for c in CUES.values() for w in c.split()} | set(COMMON))
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")
    tokenizer = BertTokenizer(vocab)

    scheme = SCHEMES.build("ledgar_top6", lowercase=True)
    cfg = RobertaConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=40,
                        pad_token_id=tokenizer.pad_token_id, num_labels=len(scheme))
    model = RobertaForSequenceClassification(cfg)

    splits = {Split.TRAIN: paragraphs(48, scheme.LABELS, seed=11), Split.TEST: paragraphs(24, scheme.LABELS, seed=12)}
    trainer = ProvisionTrainer(model, tokenizer, scheme)
    trainer.fit(splits[Split.TRAIN])

    mat = trainer.confusion(splits[Split.TEST])
    names = LedgarTop6.label_names()
    for name, row in zip(names, mat.tolist()):
        recall = row[names.index(name)] / max(sum(row), 1)
        print(f"{name:>18s}  recall={recall:.2f}  row={row}")


if __name__ == "__main__":
    main()
