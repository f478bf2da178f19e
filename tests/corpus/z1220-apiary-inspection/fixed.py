"""Fine-tune a tiny BERT to sort apiary inspection notes into hive conditions."""
from __future__ import annotations

import enum
import logging
import os
import random
import tempfile
from dataclasses import dataclass
from typing import Iterator, TypedDict

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("apiary")


class HiveCondition(enum.IntEnum):
    THRIVING = 0
    QUEENLESS = 1
    SWARM_PREP = 2
    VARROA_LOAD = 3
    ROBBING = 4


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 11
    lr: float = 5e-4
    epochs: int = 3
    batch_size: int = 4
    max_len: int = 32


class NoteBatch(TypedDict):
    ids: torch.Tensor
    attn: torch.Tensor
    condition: torch.Tensor


INSPECTIONS: list[tuple[str, HiveCondition]] = [
    ("brood pattern solid and frames full of capped honey", HiveCondition.THRIVING),
    ("calm bees with fresh eggs and a laying queen seen", HiveCondition.THRIVING),
    ("no eggs seen and workers roaring on the landing board", HiveCondition.QUEENLESS),
    ("laying workers with several eggs per cell and no queen", HiveCondition.QUEENLESS),
    ("queen cups charged along the bottom bars of the brood box", HiveCondition.SWARM_PREP),
    ("capped swarm cells and the brood box packed with bees", HiveCondition.SWARM_PREP),
    ("mite drop high on the sticky board after a sugar roll", HiveCondition.VARROA_LOAD),
    ("deformed wings on young bees and mites on drone brood", HiveCondition.VARROA_LOAD),
    ("fighting at the entrance and torn wax cappings", HiveCondition.ROBBING),
    ("frantic bees at the entrance and honey stores emptied", HiveCondition.ROBBING),
]


def write_vocab(texts: list[str]) -> str:
    words = sorted({w for t in texts for w in t.lower().split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def iter_batches(tok: BertTokenizer, cfg: TrainSettings) -> Iterator[NoteBatch]:
    rows = INSPECTIONS[:]
    random.shuffle(rows)
    for start in range(0, len(rows), cfg.batch_size):
        chunk = rows[start : start + cfg.batch_size]
        enc = tok([text for text, _ in chunk], padding=True, truncation=True,
                  max_length=cfg.max_len, return_tensors="pt")
        yield NoteBatch(ids=enc["input_ids"], attn=enc["attention_mask"],
                        condition=torch.tensor([int(c) for _, c in chunk]))


def build_model(vocab_size: int, cfg: TrainSettings) -> BertForSequenceClassification:
    n_conditions = len(HiveCondition)
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.max_len,
        num_labels=n_conditions,
    )
    log.info("classifier head with %d outputs", config.num_labels)
    return BertForSequenceClassification(config)


def run_step(model: BertForSequenceClassification, batch: NoteBatch):
    match batch:
        case {"ids": ids, "attn": attn, "condition": target}:
            return model(input_ids=ids, attention_mask=attn, labels=target)
        case {"ids": ids, "attn": attn}:
            return model(input_ids=ids, attention_mask=attn)
        case _:
            raise KeyError(f"unexpected batch keys: {sorted(batch)}")


def main() -> None:
    cfg = TrainSettings()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tok = BertTokenizer(write_vocab([t for t, _ in INSPECTIONS]))
    model = build_model(tok.vocab_size, cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        running = 0.0
        for step, batch in enumerate(iter_batches(tok, cfg)):
            out = run_step(model, batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
            log.info("epoch %d step %d loss %.4f", epoch, step, out.loss.item())
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = tok(["mites on drone brood"], return_tensors="pt")
        logits = run_step(model, {"ids": probe["input_ids"], "attn": probe["attention_mask"]}).logits
    print("probe ->", HiveCondition(int(logits.argmax(-1))).name)


if __name__ == "__main__":
    main()
