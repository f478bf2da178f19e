"""Hive inspection note classifier: tags a beekeeper's free-text note with the
dominant issue so the apiary dashboard can sort the follow-up queue."""
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass
class ModelCfg:
    hidden_size: int = 32
    layers: int = 1
    heads: int = 2
    num_labels: int = 4
    max_len: int = 40


@dataclass
class DataCfg:
    label_names: list = field(default_factory=lambda: ["healthy", "queenless", "swarm_prep", "chalkbrood"])
    max_len: int = 32


@dataclass
class TrainCfg:
    lr: float = 3e-4
    epochs: int = 2
    batch_size: int = 4
    seed: int = 11


@dataclass
class Cfg:
    model: ModelCfg = field(default_factory=ModelCfg)
    data: DataCfg = field(default_factory=DataCfg)
    train: TrainCfg = field(default_factory=TrainCfg)


def load_cfg(overrides: dict) -> Cfg:
    cfg = Cfg()
    for dotted, value in overrides.items():
        section, key = dotted.split(".", 1)
        sub = getattr(cfg, section)
        if not hasattr(sub, key):
            raise KeyError(f"unknown config key {dotted}")
        setattr(sub, key, value)
    return cfg


NOTES = [
    ("capped brood solid frames heavy with nectar queen seen", "healthy"),
    ("no eggs no young larvae bees roaring on the comb", "queenless"),
    ("several queen cups charged along bottom bars crowded box", "swarm_prep"),
    ("white mummies at entrance chalky larvae in cells", "chalkbrood"),
    ("mites on drone brood deformed wings seen on workers", "varroa"),
    ("eggs present calm bees good pollen stores", "healthy"),
    ("laying workers multiple eggs per cell no queen seen", "queenless"),
    ("mite drop high on sticky board crawling bees deformed wings", "varroa"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    folder = tempfile.mkdtemp(prefix="apiary_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def batches(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def build_model(cfg: Cfg, vocab_size: int):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.model.hidden_size,
        num_hidden_layers=cfg.model.layers,
        num_attention_heads=cfg.model.heads,
        intermediate_size=cfg.model.hidden_size * 2,
        max_position_embeddings=cfg.model.max_len,
        num_labels=len(cfg.data.label_names),
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    # label set for the current inspection season
    cfg = load_cfg({
        "data.label_names": ["healthy", "queenless", "swarm_prep", "chalkbrood", "varroa"],
        "train.epochs": 3,
    })
    random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)

    tok = BertTokenizer(write_vocab([t for t, _ in NOTES]))
    model = build_model(cfg, tok.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.train.lr)
    label_to_id = {name: i for i, name in enumerate(cfg.data.label_names)}
    print(f"labels: {label_to_id}")

    rows = list(NOTES)
    model.train()
    for epoch in range(cfg.train.epochs):
        random.shuffle(rows)
        running = 0.0
        for chunk in batches(rows, cfg.train.batch_size):
            texts = [t for t, _ in chunk]
            enc = tok(texts, padding=True, truncation=True,
                      max_length=cfg.data.max_len, return_tensors="pt")
            targets = torch.tensor([label_to_id[lab] for _, lab in chunk])
            out = model(**enc, labels=targets)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        probe = tok(["queen cups on bottom bars"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    print("probe ->", cfg.data.label_names[pred])


if __name__ == "__main__":
    main()
