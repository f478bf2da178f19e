"""Tag quantities, sizes, dishes and modifiers in free-text restaurant order notes."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("order_notes")

CONFIG: Dict = {
    "seed": 11,
    "n_notes": 96,
    "batch_size": 8,
    "max_length": 24,
    "epochs": 2,
    "lr": 5e-4,
    "vocab_path": Path(__file__).with_name("order_vocab.txt"),
}

TAGS: List[str] = ["O", "B-QTY", "B-SIZE", "B-DISH", "I-DISH", "B-MOD", "I-MOD"]
TAG2ID: Dict[str, int] = {t: i for i, t in enumerate(TAGS)}

QUANTITIES = ["1", "2", "3", "4", "one", "two", "three"]
SIZES = ["small", "medium", "large", "family"]
DISHES = [["pizza"], ["pad", "thai"], ["burrito"], ["ramen"], ["caesar", "salad"], ["chicken", "wings"], ["taco"]]
MODIFIERS = [["no", "onion"], ["extra", "cheese"], ["gluten", "free"], ["spicy"], ["no", "cilantro"], ["sauce", "on", "side"]]
FILLER = ["please", "and", "with", "thanks", "asap"]


@dataclass
class OrderNote:
    words: List[str]
    tags: List[str]


def write_vocab(path: Path) -> Path:
    words = set(QUANTITIES + SIZES + FILLER)
    for group in DISHES + MODIFIERS:
        words.update(group)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path.write_text("\n".join(specials + sorted(words) + ["##s", "##es"]) + "\n")
    return path


def synth_note(rng: random.Random) -> OrderNote:
    words: List[str] = []
    tags: List[str] = []
    for _ in range(rng.randint(1, 2)):
        qty, size, dish = rng.choice(QUANTITIES), rng.choice(SIZES), rng.choice(DISHES)
        plural = qty not in ("1", "one") and len(dish) == 1
        words += [qty, size] + dish[:-1] + [dish[-1] + ("s" if plural else "")]
        tags += ["B-QTY", "B-SIZE", "B-DISH"] + ["I-DISH"] * (len(dish) - 1)
        if rng.random() < 0.6:
            mod = rng.choice(MODIFIERS)
            words += ["with"] + mod
            tags += ["O", "B-MOD"] + ["I-MOD"] * (len(mod) - 1)
    words.append(rng.choice(FILLER))
    tags.append("O")
    return OrderNote(words=words, tags=tags)


def align_labels(word_ids: List, note: OrderNote) -> List[int]:
    labels, previous = [], None
    for wid in word_ids:
        if wid is None or wid == previous:
            labels.append(-100)
        else:
            labels.append(TAG2ID[note.tags[wid]])
        previous = wid
    return labels


def batches(notes: List[OrderNote], tokenizer: BertTokenizer, size: int) -> Iterator[Dict[str, torch.Tensor]]:
    for start in range(0, len(notes), size):
        chunk = notes[start : start + size]
        enc = tokenizer(
            [n.words for n in chunk],
            is_split_into_words=True,
            padding="max_length",
            truncation=True,
            max_length=CONFIG["max_length"],
            return_tensors="pt",
        )
        labels = [align_labels(enc.word_ids(i), n) for i, n in enumerate(chunk)]
        yield {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "labels": torch.tensor(labels, dtype=torch.long),
        }


class OrderNoteTagger(nn.Module):
    def __init__(self, vocab_size: int, n_tags: int) -> None:
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(self.dropout(hidden))


def masked_token_loss(tag_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(tag_logits.transpose(1, 2), labels, ignore_index=-100)


def run_epoch(model: OrderNoteTagger, notes: List[OrderNote], tokenizer: BertTokenizer, opt: torch.optim.Optimizer) -> float:
    model.train()
    losses: List[float] = []
    for batch in batches(notes, tokenizer, CONFIG["batch_size"]):
        tag_logits = model(batch["input_ids"], batch["attention_mask"])
        loss = masked_token_loss(tag_logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / max(len(losses), 1)


def main() -> None:
    rng = random.Random(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])

    tokenizer = BertTokenizer(str(write_vocab(CONFIG["vocab_path"])))
    notes = [synth_note(rng) for _ in range(CONFIG["n_notes"])]
    log.info("example note: %s -> %s", " ".join(notes[0].words), notes[0].tags)

    model = OrderNoteTagger(tokenizer.vocab_size, len(TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
    for epoch in range(CONFIG["epochs"]):
        log.info("epoch %d mean loss %.4f", epoch, run_epoch(model, notes, tokenizer, opt))

    CONFIG["vocab_path"].unlink(missing_ok=True)


if __name__ == "__main__":
    main()
