"""Triage hive inspection notes into colony status classes with a tiny BERT classifier."""
import logging
import os
import tempfile
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

# ---- constants -------------------------------------------------------------
SEED = 813
MAX_POSITIONS = 40
HIDDEN_SIZE = 32
BATCH_SIZE = 3
EPOCHS = 2
LEARNING_RATE = 3e-4
STATUSES = ["healthy", "queenless", "swarm_prep", "varroa"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

NOTES = [
    ("brood pattern solid, eggs seen, queen spotted on frame four", "healthy"),
    ("no eggs, no young larvae, bees roaring, emergency cells drawn", "queenless"),
    ("queen cups charged along bottom bars, hive packed with bees, little space to lay", "swarm_prep"),
    ("mites on drone brood, deformed wings on several workers", "varroa"),
    ("calm colony, stores good, capped honey across the top box", "healthy"),
    ("late afternoon visit after the rain, yard is muddy and the stand has shifted again so the box leans "
     "toward the fence, lifted the lid slowly, heavy propolis on the inner cover, pulled frames one through "
     "nine, found no eggs and no open brood anywhere, workers laying in drone comb, several cells with "
     "multiple eggs, colony is loud and defensive, plan to combine with the strong hive next week", "queenless"),
]

log = logging.getLogger("apiary")


class Settings(NamedTuple):
    max_positions: int
    hidden: int
    batch_size: int
    epochs: int
    lr: float


class Example(NamedTuple):
    text: str
    label: int


def write_vocab(notes: List[Tuple[str, str]]) -> Tuple[str, Optional[Exception]]:
    seen: Dict[str, bool] = {}
    for text, _ in notes:
        for w in text.replace(",", " , ").split():
            seen[w] = True
    words: List[str] = []
    for w in sorted(seen):
        words.append(w)
    try:
        folder = tempfile.mkdtemp(prefix="apiary_")
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(SPECIALS + words) + "\n")
    except OSError as exc:
        return "", exc
    return path, None


def load_examples(notes: List[Tuple[str, str]]) -> Tuple[List[Example], Optional[Exception]]:
    out: List[Example] = []
    for text, status in notes:
        if status not in STATUSES:
            return [], ValueError(f"unknown status {status!r}")
        out.append(Example(text, STATUSES.index(status)))
    return out, None


def encode_batch(tokenizer: BertTokenizer, chunk: List[Example]) -> Dict[str, torch.Tensor]:
    texts: List[str] = []
    targets: List[int] = []
    for ex in chunk:
        texts.append(ex.text)
        targets.append(ex.label)
    enc = tokenizer(texts, padding=True, truncation=True, max_length=MAX_POSITIONS, return_tensors="pt")
    enc["labels"] = torch.tensor(targets, dtype=torch.long)
    return dict(enc)


class Runner:
    def __init__(self, model: BertForSequenceClassification, tokenizer: BertTokenizer, cfg: Settings):
        self.model = model
        self.tokenizer = tokenizer
        self.cfg = cfg
        self.optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def train_epoch(self, examples: List[Example]) -> Tuple[float, Optional[Exception]]:
        if len(examples) == 0:
            return 0.0, ValueError("no examples")
        self.model.train()
        total = 0.0
        steps = 0
        for start in range(0, len(examples), self.cfg.batch_size):
            batch = encode_batch(self.tokenizer, examples[start : start + self.cfg.batch_size])
            out = self.model(**batch)
            out.loss.backward()
            self.optim.step()
            self.optim.zero_grad()
            total += out.loss.item()
            steps += 1
        return total / steps, None


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    torch.manual_seed(SEED)
    cfg = Settings(MAX_POSITIONS, HIDDEN_SIZE, BATCH_SIZE, EPOCHS, LEARNING_RATE)

    vocab_path, err = write_vocab(NOTES)
    if err is not None:
        log.error("vocab: %s", err)
        return 1
    tokenizer = BertTokenizer(vocab_path)
    examples, err = load_examples(NOTES)
    if err is not None:
        log.error("data: %s", err)
        return 1

    model_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=cfg.max_positions,
        num_labels=len(STATUSES),
    )
    runner = Runner(BertForSequenceClassification(model_cfg), tokenizer, cfg)
    for epoch in range(cfg.epochs):
        loss, err = runner.train_epoch(examples)
        if err is not None:
            log.error("epoch %d: %s", epoch, err)
            return 1
        log.info("epoch %d  mean loss %.4f", epoch, loss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
