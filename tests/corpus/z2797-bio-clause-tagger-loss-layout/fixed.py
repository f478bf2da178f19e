"""clausetag: BIO tagging of parties / dates / governing law in contract sentences."""
import os
import random
from dataclasses import dataclass
from enum import Enum, auto
from typing import Dict, Iterator, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

_DIR = os.path.dirname(os.path.abspath(__file__))
IGNORE = -100


class Split(Enum):
    TRAIN = auto()
    HELDOUT = auto()


class TagSchemes:
    _registry: Dict[str, List[str]] = {}

    @classmethod
    def register(cls, name: str, entity_types: List[str]) -> None:
        cls._registry[name] = ["O"] + [f"{p}-{e}" for e in entity_types for p in ("B", "I")]

    @classmethod
    def tags(cls, name: str) -> List[str]:
        return cls._registry[name]


TagSchemes.register("contract_bio", ["PARTY", "DATE", "LAW", "TERM"])

FILLER = "the this agreement shall be binding upon and between hereto whereas".split()
SPANS = {
    "PARTY": [["acme", "holdings", "limited"], ["the", "licensee"], ["beta", "corp"]],
    "DATE": [["first", "january", "2021"], ["effective", "date"]],
    "LAW": [["laws", "of", "england"], ["new", "york", "law"]],
    "TERM": [["five", "years"], ["twelve", "months"]],
}


def sentence_stream(n: int, seed: int) -> Iterator[Tuple[List[str], List[str]]]:
    rng = random.Random(seed)
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(2, 4)):
            fill = rng.choices(FILLER, k=rng.randint(1, 4))
            words += fill
            tags += ["O"] * len(fill)
            ent = rng.choice(list(SPANS))
            span = rng.choice(SPANS[ent])
            words += span
            tags += [f"B-{ent}"] + [f"I-{ent}"] * (len(span) - 1)
        yield words, tags


def build_vocab(path: str) -> None:
    toks = {w for v in SPANS.values() for s in v for w in s} | set(FILLER)
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(toks)) + "\n")


def encode(tokenizer, batch, tag2id: Dict[str, int], max_len: int) -> Dict[str, torch.Tensor]:
    words = [w for w, _ in batch]
    enc = tokenizer(words, is_split_into_words=True, truncation=True, padding="max_length",
                    max_length=max_len, return_tensors="pt")
    labels = []
    for i, (_, tags) in enumerate(batch):
        prev, row = None, []
        for wid in enc.word_ids(i):
            row.append(IGNORE if wid is None or wid == prev else tag2id[tags[wid]])
            prev = wid
        labels.append(row)
    enc["labels"] = torch.tensor(labels)
    return dict(enc)


def batches(stream, size: int):
    buf = []
    for item in stream:
        buf.append(item)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


class ClauseTagger(nn.Module):
    def __init__(self, config: BertConfig, num_tags: int):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, num_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.classifier(self.dropout(hidden))


@dataclass
class RunConfig:
    max_len: int = 40
    batch_size: int = 8
    epochs: int = 2
    lr: float = 5e-4


class TaggingTrainer:
    def __init__(self, model: ClauseTagger, tokenizer, tag2id: Dict[str, int], cfg: RunConfig):
        self.model, self.tokenizer, self.tag2id, self.cfg = model, tokenizer, tag2id, cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.history: List[float] = []

    def on_batch_start(self, step: int, batch: Dict[str, torch.Tensor]) -> None:
        if step == 0:
            print("first batch shapes:", {k: tuple(v.shape) for k, v in batch.items()})

    def on_step_end(self, step: int, loss: float) -> None:
        self.history.append(loss)
        if step % 4 == 0:
            print(f"step {step} loss {loss:.4f}")

    @staticmethod
    def token_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.transpose(1, 2), labels, ignore_index=IGNORE)

    @property
    def mean_loss(self) -> float:
        return sum(self.history) / max(len(self.history), 1)

    def fit(self, split: Split, n_sentences: int) -> None:
        self.model.train()
        step = 0
        for epoch in range(self.cfg.epochs):
            stream = sentence_stream(n_sentences, seed=epoch + (0 if split is Split.TRAIN else 100))
            for raw in batches(stream, self.cfg.batch_size):
                batch = encode(self.tokenizer, raw, self.tag2id, self.cfg.max_len)
                self.on_batch_start(step, batch)
                labels = batch.pop("labels")
                logits = self.model(**batch)
                loss = self.token_loss(logits, labels)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                self.on_step_end(step, loss.item())
                step += 1


def main():
    torch.manual_seed(13)
    vocab_file = os.path.join(_DIR, "clause_vocab.txt")
    build_vocab(vocab_file)
    tokenizer = BertTokenizer(vocab_file)
    tags = TagSchemes.tags("contract_bio")
    tag2id = {t: i for i, t in enumerate(tags)}
    cfg = RunConfig()
    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=cfg.max_len)
    trainer = TaggingTrainer(ClauseTagger(bert_cfg, len(tags)), tokenizer, tag2id, cfg)
    trainer.fit(Split.TRAIN, n_sentences=48)
    print(f"mean training loss {trainer.mean_loss:.4f}")


if __name__ == "__main__":
    main()
