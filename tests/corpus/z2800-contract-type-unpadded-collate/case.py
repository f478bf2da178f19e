"""lexclf: contract-type classification, single-file package edition."""
import os
import random
from dataclasses import dataclass, field
from enum import Enum

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

LEGAL_WORDS = (
    "agreement party parties shall hereby licensor licensee lessor lessee tenant landlord "
    "employer employee confidential information term termination notice days written consent "
    "governing law jurisdiction court indemnify liability damages payment invoice fee rent premises "
    "software license grant exclusive non perpetual warranty breach remedy arbitration assign "
    "successor effective date month year salary duties obligations disclose recipient discloser"
).split()


class Split(Enum):
    TRAIN = "train"
    DEV = "dev"


class LabelRegistry:
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


@LabelRegistry.register("contract_type")
def _contract_type():
    return ["nda", "lease", "employment", "license"]


@dataclass
class RunConfig:
    scheme: str = "contract_type"
    max_len: int = 64
    batch_size: int = 8
    epochs: int = 1
    lr: float = 5e-4
    seed: int = 13
    hooks: list = field(default_factory=list)


def write_vocab(path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + LEGAL_WORDS
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return path


def synth_contracts(n, labels, rng):
    topical = {
        "nda": ["confidential", "information", "disclose", "recipient", "discloser"],
        "lease": ["lessor", "lessee", "rent", "premises", "tenant", "landlord"],
        "employment": ["employer", "employee", "salary", "duties"],
        "license": ["licensor", "licensee", "software", "license", "grant"],
    }
    rows = []
    for _ in range(n):
        lab = rng.randrange(len(labels))
        words = [rng.choice(LEGAL_WORDS + topical[labels[lab]] * 3) for _ in range(rng.randint(12, 50))]
        rows.append((" ".join(words) + " .", lab))
    return rows


class ContractDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len, split):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len
        self.split = split

    def __len__(self):
        return len(self.rows)

    @staticmethod
    def encode(tok, text, max_len):
        enc = tok(text, truncation=True, max_length=max_len)
        return {k: torch.tensor(v) for k, v in enc.items()}

    def __getitem__(self, i):
        text, label = self.rows[i]
        item = self.encode(self.tok, text, self.max_len)
        item["labels"] = torch.tensor(label)
        return item


class Trainer:
    def __init__(self, model, cfg, loaders):
        self.model = model
        self.cfg = cfg
        self.loaders = loaders
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.global_step = 0
        self.history = []

    @property
    def train_loader(self):
        return self.loaders[Split.TRAIN]

    def on_batch_start(self, batch):
        for h in self.cfg.hooks:
            batch = h(batch) or batch
        return batch

    def on_step_end(self, loss):
        self.global_step += 1
        self.history.append(loss)
        if self.global_step % 5 == 0:
            print(f"step {self.global_step} loss {loss:.4f}")

    def fit(self):
        self.model.train()
        for _ in range(self.cfg.epochs):
            for batch in self.train_loader:
                batch = self.on_batch_start(batch)
                out = self.model(**batch)
                out.loss.backward()
                self.opt.step()
                self.opt.zero_grad()
                self.on_step_end(out.loss.item())

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        hit = tot = 0
        for batch in self.loaders[Split.DEV]:
            labels = batch.pop("labels")
            pred = self.model(**batch).logits.argmax(-1)
            hit += (pred == labels).sum().item()
            tot += labels.numel()
        return hit / max(tot, 1)


def main():
    cfg = RunConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    labels = LabelRegistry.get(cfg.scheme)
    tokenizer = BertTokenizer(write_vocab(os.path.join(HERE, "vocab.txt")))

    rows = synth_contracts(160, labels, rng)
    splits = {Split.TRAIN: rows[:128], Split.DEV: rows[128:]}
    loaders = {
        s: DataLoader(ContractDataset(r, tokenizer, cfg.max_len, s), batch_size=cfg.batch_size,
                      shuffle=(s is Split.TRAIN))
        for s, r in splits.items()
    }

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=cfg.max_len, num_labels=len(labels))
    model = BertForSequenceClassification(bert_cfg)

    def log_shapes(batch):
        if not hasattr(log_shapes, "done"):
            print({k: tuple(v.shape) for k, v in batch.items()})
            log_shapes.done = True

    cfg.hooks.append(log_shapes)
    trainer = Trainer(model, cfg, loaders)
    trainer.fit()
    print(f"dev accuracy: {trainer.evaluate():.3f}")


if __name__ == "__main__":
    main()
