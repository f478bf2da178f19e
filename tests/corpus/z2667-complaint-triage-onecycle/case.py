"""Triage customer complaint messages for a food-delivery support queue with a tiny BERT."""
from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import torch
from torch.optim.lr_scheduler import OneCycleLR
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("complaint_triage")

CONFIG: Dict = {
    "seed": 21,
    "n_messages": 150,
    "val_fraction": 0.2,
    "batch_size": 16,
    "epochs": 2,
    "max_lr": 1e-3,
    "max_length": 20,
    "workdir": Path(__file__).resolve().parent,
}

QUEUES: List[str] = ["late_delivery", "missing_item", "food_quality"]
PHRASES: Dict[str, List[str]] = {
    "late_delivery": ["order is late", "courier still not here", "waited over an hour", "driver went wrong way"],
    "missing_item": ["drink was missing", "no fries in bag", "missing one burger", "forgot the sauce"],
    "food_quality": ["food arrived cold", "pizza was soggy", "soup spilled everywhere", "noodles were overcooked"],
}
OPENERS = ["hi", "hello", "hey", "ugh", "seriously"]
CLOSERS = ["please help", "want a refund", "not happy", "thanks"]


def write_vocab(workdir: Path) -> Path:
    words = {w for phrases in PHRASES.values() for p in phrases for w in p.split()}
    words.update(w for s in OPENERS + CLOSERS for w in s.split())
    path = workdir / "support_vocab.txt"
    path.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def synth_messages(n: int, rng: random.Random) -> List[Tuple[str, int]]:
    rows = []
    for _ in range(n):
        label = rng.randrange(len(QUEUES))
        text = " ".join([rng.choice(OPENERS), rng.choice(PHRASES[QUEUES[label]]), rng.choice(CLOSERS)])
        rows.append((text, label))
    return rows


def train_val_split(rows: List[Tuple[str, int]], frac: float) -> Tuple[List, List]:
    cut = int(len(rows) * (1.0 - frac))
    return rows[:cut], rows[cut:]


def make_collate(tokenizer: BertTokenizer, max_length: int) -> Callable:
    def collate(rows: List[Tuple[str, int]]) -> Dict[str, torch.Tensor]:
        texts, labels = zip(*rows)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.long)
        return dict(enc)

    return collate


def build_model(vocab_size: int) -> BertForSequenceClassification:
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(QUEUES),
    )
    return BertForSequenceClassification(cfg)


@torch.no_grad()
def accuracy(model: BertForSequenceClassification, loader: DataLoader) -> float:
    model.eval()
    hits = total = 0
    for batch in loader:
        labels = batch.pop("labels")
        hits += (model(**batch).logits.argmax(-1) == labels).sum().item()
        total += len(labels)
    return hits / max(total, 1)


def main() -> None:
    rng = random.Random(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])

    vocab_path = write_vocab(CONFIG["workdir"])
    tokenizer = BertTokenizer(str(vocab_path))
    train_rows, val_rows = train_val_split(synth_messages(CONFIG["n_messages"], rng), CONFIG["val_fraction"])
    log.info("train=%d val=%d", len(train_rows), len(val_rows))

    collate = make_collate(tokenizer, CONFIG["max_length"])
    train_loader = DataLoader(train_rows, batch_size=CONFIG["batch_size"], shuffle=True, collate_fn=collate)
    val_loader = DataLoader(val_rows, batch_size=CONFIG["batch_size"], collate_fn=collate)

    model = build_model(tokenizer.vocab_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["max_lr"])
    steps_per_epoch = len(train_rows) // CONFIG["batch_size"]
    scheduler = OneCycleLR(optimizer, max_lr=CONFIG["max_lr"], epochs=CONFIG["epochs"], steps_per_epoch=steps_per_epoch)

    for epoch in range(CONFIG["epochs"]):
        model.train()
        for step, batch in enumerate(train_loader):
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            if step % 3 == 0:
                log.info("epoch %d step %d loss %.4f lr %.2e", epoch, step, out.loss.item(), scheduler.get_last_lr()[0])
        log.info("epoch %d val acc %.3f", epoch, accuracy(model, val_loader))

    vocab_path.unlink()


if __name__ == "__main__":
    main()
