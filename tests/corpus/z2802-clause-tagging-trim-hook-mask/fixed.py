"""clausetag: BIO tagging of parties, dates and amounts inside contract clauses."""
import os
import random
from dataclasses import dataclass
from enum import Enum

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

PKG_DIR = os.path.dirname(os.path.abspath(__file__))


class Split(str, Enum):
    TRAIN = "train"
    EVAL = "eval"


class TagSchemes:
    registry = {}

    @staticmethod
    def bio(*entity_types):
        tags = ["O"]
        for et in entity_types:
            tags += [f"B-{et}", f"I-{et}"]
        return tags

    @classmethod
    def define(cls, name, *entity_types):
        cls.registry[name] = cls.bio(*entity_types)

    @classmethod
    def lookup(cls, name):
        tags = cls.registry[name]
        return tags, {t: i for i, t in enumerate(tags)}


TagSchemes.define("commercial", "PARTY", "DATE", "AMOUNT")

PARTIES = [["acme", "holdings", "inc"], ["globex", "corporation"], ["initech", "llc"], ["umbrella", "group"]]
DATES = [["january", "1", "2024"], ["march", "15", "2023"], ["the", "effective", "date"]]
AMOUNTS = [["usd", "5000"], ["usd", "120000"], ["ten", "thousand", "dollars"]]
TEMPLATES = [
    ["{PARTY}", "shall", "pay", "{AMOUNT}", "to", "{PARTY}", "no", "later", "than", "{DATE}"],
    ["this", "agreement", "is", "entered", "into", "on", "{DATE}", "by", "{PARTY}"],
    ["{PARTY}", "may", "terminate", "upon", "notice", "given", "before", "{DATE}"],
    ["fees", "of", "{AMOUNT}", "are", "payable", "by", "{PARTY}"],
]


@dataclass
class TagConfig:
    scheme: str = "commercial"
    max_length: int = 64
    batch_size: int = 4
    epochs: int = 2
    lr: float = 3e-3
    seed: int = 2024


def write_vocab(where):
    words = {w for grp in (PARTIES, DATES, AMOUNTS) for item in grp for w in item}
    words |= {w for t in TEMPLATES for w in t if not w.startswith("{")}
    path = os.path.join(where, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def generate_clauses(n, rng):
    pools = {"PARTY": PARTIES, "DATE": DATES, "AMOUNT": AMOUNTS}
    for _ in range(n):
        words, tags = [], []
        for slot in rng.choice(TEMPLATES):
            if slot.startswith("{"):
                kind = slot[1:-1]
                span = rng.choice(pools[kind])
                words += span
                tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(span) - 1)
            else:
                words.append(slot)
                tags.append("O")
        yield words, tags


class ClauseTagDataset(Dataset):
    def __init__(self, examples, tokenizer, tag2id, max_length):
        self.features = [self._featurize(w, t, tokenizer, tag2id, max_length) for w, t in examples]

    @staticmethod
    def _featurize(words, tags, tokenizer, tag2id, max_length):
        enc = tokenizer(words, is_split_into_words=True, truncation=True,
                        padding="max_length", max_length=max_length)
        labels = [-100 if wid is None else tag2id[tags[wid]] for wid in enc.word_ids()]
        feat = {k: torch.tensor(v) for k, v in enc.items()}
        feat["labels"] = torch.tensor(labels)
        return feat

    def __len__(self):
        return len(self.features)

    def __getitem__(self, idx):
        return self.features[idx]


class TaggingTrainer:
    TRIM_KEYS = ("input_ids", "token_type_ids", "attention_mask", "labels")

    def __init__(self, model, cfg, num_tags):
        self.model = model
        self.cfg = cfg
        self.num_tags = num_tags
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.step = 0

    @property
    def device(self):
        return next(self.model.parameters()).device

    def on_batch_start(self, batch):
        width = int(batch["attention_mask"].sum(dim=1).max())
        for key in self.TRIM_KEYS:
            batch[key] = batch[key][:, :width]
        return {k: v.to(self.device) for k, v in batch.items()}

    def on_step_end(self, loss):
        self.step += 1
        if self.step % 10 == 0:
            print(f"step={self.step} token_ce={loss:.4f}")

    def token_loss(self, logits, batch):
        active = batch["attention_mask"].reshape(-1) == 1
        flat_logits = logits.view(-1, self.num_tags)[active]
        flat_labels = batch["labels"].reshape(-1)[active]
        return F.cross_entropy(flat_logits, flat_labels, ignore_index=-100)

    def train(self, loader):
        self.model.train()
        for _ in range(self.cfg.epochs):
            for batch in loader:
                batch = self.on_batch_start(batch)
                logits = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                    token_type_ids=batch["token_type_ids"]).logits
                loss = self.token_loss(logits, batch)
                loss.backward()
                self.optimizer.step()
                self.optimizer.zero_grad()
                self.on_step_end(loss.item())

    @torch.no_grad()
    def tag_accuracy(self, loader):
        self.model.eval()
        good = total = 0
        for batch in loader:
            batch = self.on_batch_start(batch)
            pred = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
            keep = batch["labels"] != -100
            good += (pred[keep] == batch["labels"][keep]).sum().item()
            total += keep.sum().item()
        return good / total


def main():
    cfg = TagConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    tags, tag2id = TagSchemes.lookup(cfg.scheme)
    tokenizer = BertTokenizer(write_vocab(PKG_DIR))

    examples = list(generate_clauses(100, rng))
    datasets = {
        Split.TRAIN: ClauseTagDataset(examples[:80], tokenizer, tag2id, cfg.max_length),
        Split.EVAL: ClauseTagDataset(examples[80:], tokenizer, tag2id, cfg.max_length),
    }
    loaders = {s: DataLoader(ds, batch_size=cfg.batch_size, shuffle=s == Split.TRAIN) for s, ds in datasets.items()}

    model = BertForTokenClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=cfg.max_length, num_labels=len(tags)))
    trainer = TaggingTrainer(model, cfg, num_tags=len(tags))
    trainer.train(loaders[Split.TRAIN])
    print(f"eval token accuracy: {trainer.tag_accuracy(loaders[Split.EVAL]):.3f}")


if __name__ == "__main__":
    main()
