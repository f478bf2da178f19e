"""Classify partner-restaurant menu item names into catalogue categories with a tiny BERT."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(levelname)s] %(message)s")
logger = logging.getLogger("menu_categorizer")

HERE = Path(__file__).resolve().parent

CONFIG = {
    "seed": 13,
    "n_items": 96,
    "max_len": 16,
    "batch_size": 12,
    "epochs": 2,
    "lr": 5e-4,
    "vocab_path": HERE / "menu_vocab.txt",
    "categories": ["pizza", "noodles", "salad", "dessert", "drinks"],
}

CATEGORY_WORDS: Dict[str, List[str]] = {
    "pizza": ["margherita", "pepperoni", "crust", "mozzarella", "calzone"],
    "noodles": ["ramen", "udon", "pad", "thai", "broth"],
    "salad": ["caesar", "greek", "kale", "quinoa", "vinaigrette"],
    "dessert": ["tiramisu", "brownie", "gelato", "cheesecake", "churros"],
    "drinks": ["lemonade", "cola", "latte", "smoothie", "iced"],
}
FILLER = ["large", "small", "spicy", "vegan", "classic", "family", "combo", "extra", "with", "and"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def write_vocab(path: Path) -> Path:
    words = sorted({w for ws in CATEGORY_WORDS.values() for w in ws} | set(FILLER))
    path.write_text("\n".join(SPECIALS + words) + "\n", encoding="utf-8")
    logger.info("wrote %d vocab entries to %s", len(SPECIALS) + len(words), path.name)
    return path


def synth_menu(n: int, rng: np.random.Generator) -> List[Tuple[str, int]]:
    cats: Sequence[str] = CONFIG["categories"]
    rows: List[Tuple[str, int]] = []
    for _ in range(n):
        label = int(rng.integers(len(cats)))
        core = rng.choice(CATEGORY_WORDS[cats[label]], size=int(rng.integers(1, 3)), replace=False)
        extra = rng.choice(FILLER, size=int(rng.integers(0, 4)), replace=False)
        tokens = list(extra) + list(core)
        rng.shuffle(tokens)
        rows.append((" ".join(tokens), label))
    return rows


def pack_token_ids(tokenizer: BertTokenizer, names: List[str], max_len: int) -> np.ndarray:
    encoded = tokenizer(names, truncation=True, max_length=max_len, add_special_tokens=True)["input_ids"]
    id_matrix = np.zeros((len(encoded), max_len))
    for row, ids in enumerate(encoded):
        id_matrix[row, : len(ids)] = ids
    return id_matrix


def to_batches(
    ids: np.ndarray, labels: np.ndarray, batch_size: int, pad_id: int
) -> Iterator[Dict[str, torch.Tensor]]:
    for start in range(0, len(ids), batch_size):
        chunk = torch.from_numpy(ids[start : start + batch_size])
        yield {
            "input_ids": chunk,
            "attention_mask": (chunk != pad_id).long(),
            "labels": torch.from_numpy(labels[start : start + batch_size]).long(),
        }


def build_model(vocab_size: int, num_labels: int, max_len: int) -> BertForSequenceClassification:
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_len * 2,
        num_labels=num_labels,
    )
    return BertForSequenceClassification(cfg)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return float((logits.argmax(-1) == labels).float().mean())


def main() -> None:
    rng = np.random.default_rng(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])

    tokenizer = BertTokenizer(str(write_vocab(CONFIG["vocab_path"])))
    rows = synth_menu(CONFIG["n_items"], rng)
    names = [name for name, _ in rows]
    labels = np.array([label for _, label in rows], dtype=np.int64)

    id_matrix = pack_token_ids(tokenizer, names, CONFIG["max_len"])
    logger.info("packed %d menu items into %s", len(names), id_matrix.shape)

    model = build_model(tokenizer.vocab_size, len(CONFIG["categories"]), CONFIG["max_len"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])

    for epoch in range(CONFIG["epochs"]):
        model.train()
        losses: List[float] = []
        for batch in to_batches(id_matrix, labels, CONFIG["batch_size"], tokenizer.pad_token_id):
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
        logger.info("epoch %d mean loss %.4f", epoch, float(np.mean(losses)))

    model.eval()
    with torch.no_grad():
        accs = [
            accuracy(model(**b).logits, b["labels"])
            for b in to_batches(id_matrix, labels, CONFIG["batch_size"], tokenizer.pad_token_id)
        ]
    logger.info("train accuracy %.3f", float(np.mean(accs)))


if __name__ == "__main__":
    main()
