import os
import random
from dataclasses import dataclass
from enum import Enum

import torch
from torch.utils.data import DataLoader, IterableDataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

BASE = os.path.dirname(os.path.abspath(__file__))
FILLER = "the and of to in on by under with from any all such as its their this".split()
SPANS = {
    "PARTY": ["licensor", "licensee", "vendor", "purchaser", "lender", "borrower"],
    "OBLIGATION": ["shall deliver", "shall pay", "shall maintain", "shall indemnify", "shall notify"],
    "DURATION": ["thirty days", "sixty days", "twelve months", "five years"],
}


class Split(Enum):
    TRAIN = "train"
    HELDOUT = "heldout"


class SchemeRegistry(dict):
    def bio(self, name, entity_types):
        tags = ["O"] + [f"{p}-{t}" for t in entity_types for p in ("B", "I")]
        self[name] = {t: i for i, t in enumerate(tags)}
        return self[name]


SCHEMES = SchemeRegistry()
SCHEMES.bio("obligations-bio", list(SPANS))


@dataclass
class TrainArgs:
    lr: float = 3e-4
    head_lr_mult: float = 10.0
    weight_decay: float = 0.01
    batch_size: int = 8
    steps: int = 12
    max_len: int = 40


class SyntheticClauses(IterableDataset):
    def __init__(self, split, tag2id, n):
        self.seed = 11 if split is Split.TRAIN else 12
        self.tag2id, self.n = tag2id, n

    def __iter__(self):
        rng = random.Random(self.seed)
        for _ in range(self.n):
            words, tags = [], []
            for _ in range(rng.randint(3, 6)):
                words += rng.sample(FILLER, 2)
                tags += ["O", "O"]
                etype = rng.choice(list(SPANS))
                span = rng.choice(SPANS[etype]).split()
                words += span
                tags += [f"B-{etype}"] + [f"I-{etype}"] * (len(span) - 1)
            yield words, [self.tag2id[t] for t in tags]


class ClauseTagTrainer:
    def __init__(self, model, tokenizer, args: TrainArgs):
        self.model, self.tokenizer, self.args = model, tokenizer, args
        self.optimizer = None
        self.step = 0
        self.losses = []

    @staticmethod
    def align_labels(word_ids, word_labels):
        return [-100 if w is None else word_labels[w] for w in word_ids]

    @property
    def head(self):
        return self.model.classifier

    def collate(self, rows):
        words, labels = zip(*rows)
        enc = self.tokenizer(list(words), is_split_into_words=True, padding=True, truncation=True,
                             max_length=self.args.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([self.align_labels(enc.word_ids(i), labels[i]) for i in range(len(rows))])
        return dict(enc)

    def configure_optimizers(self):
        groups = [
            {"params": list(self.model.parameters()), "lr": self.args.lr},
            {"params": list(self.head.parameters()), "lr": self.args.lr * self.args.head_lr_mult},
        ]
        self.optimizer = torch.optim.AdamW(groups, weight_decay=self.args.weight_decay)

    def on_batch_start(self, batch):
        self.model.train()
        return batch

    def on_step_end(self, loss):
        self.losses.append(loss)
        if self.step % 4 == 0:
            print(f"step {self.step}: loss {sum(self.losses[-4:]) / len(self.losses[-4:]):.4f}")

    def fit(self, dataset):
        self.configure_optimizers()
        loader = DataLoader(dataset, batch_size=self.args.batch_size, collate_fn=self.collate)
        while self.step < self.args.steps:
            for batch in loader:
                batch = self.on_batch_start(batch)
                loss = self.model(**batch).loss
                loss.backward()
                self.optimizer.step()
                self.optimizer.zero_grad()
                self.step += 1
                self.on_step_end(loss.item())
                if self.step >= self.args.steps:
                    break
        return self.losses


def build_tokenizer():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    vocab += sorted({w for phrases in SPANS.values() for p in phrases for w in p.split()})
    path = os.path.join(BASE, "bio_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


if __name__ == "__main__":
    torch.manual_seed(3)
    tag2id = SCHEMES["obligations-bio"]
    tokenizer = build_tokenizer()
    args = TrainArgs()
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(tag2id))
    model = BertForTokenClassification(config)
    trainer = ClauseTagTrainer(model, tokenizer, args)
    losses = trainer.fit(SyntheticClauses(Split.TRAIN, tag2id, n=40))
    print(f"done: {len(losses)} steps, last loss {losses[-1]:.4f}")
