"""Weekly ETL: turn apiary inspection notes into vectors for the colony-health dashboard."""
from __future__ import annotations

import logging
import os
import tempfile
from typing import Any, Callable, Dict, List

import torch
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s - %(message)s")
logger = logging.getLogger("hive_notes")

MAX_TOKENS: int = int(os.environ.get("MAX_TOKENS", "24"))
DECAY: float = float(os.environ.get("DECAY", "0.9"))
HIDDEN: int = int(os.environ.get("HIDDEN", "32"))

INSPECTIONS: List[Dict[str, str]] = [
    {"hive": "H-01", "note": "queen seen brood pattern solid calm bees"},
    {"hive": "H-02", "note": "no eggs queenless emergency cells drawn"},
    {"hive": "H-03", "note": "varroa count high deformed wings seen"},
    {"hive": "H-04", "note": "heavy nectar flow supers added calm"},
    {"hive": "H-05", "note": "chalkbrood mummies at entrance weak colony"},
]

Batch = Dict[str, Any]
Stage = Callable[[Batch], Batch]
Pipeline = List[Stage]


def make_tokenizer() -> BertTokenizer:
    words = sorted({w for rec in INSPECTIONS for w in rec["note"].split()})
    tmp = tempfile.mkdtemp(prefix="apiary_")
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_file)


class Extract:
    def __call__(self, batch: Batch) -> Batch:
        batch["hives"] = [rec["hive"] for rec in INSPECTIONS]
        batch["notes"] = [rec["note"].strip().lower() for rec in INSPECTIONS]
        logger.info("extracted %d inspection notes", len(batch["notes"]))
        return batch


class Encode:
    def __init__(self, tokenizer: BertTokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, batch: Batch) -> Batch:
        enc = self.tokenizer(batch["notes"], padding=True, truncation=True,
                             max_length=MAX_TOKENS, return_tensors="pt")
        batch.update(enc)
        return batch


class Contextualize:
    def __init__(self, model: BertModel) -> None:
        self.model = model.eval()

    @torch.no_grad()
    def __call__(self, batch: Batch) -> Batch:
        out = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        batch["states"] = out.last_hidden_state
        return batch


class DecayPool:
    """Front-weighted pooling: inspectors write the verdict first, details later."""

    def __call__(self, batch: Batch) -> Batch:
        states: torch.Tensor = batch["states"]
        keep: torch.Tensor = batch["attention_mask"]
        pooled: List[torch.Tensor] = []
        for row in range(states.size(0)):
            acc = torch.zeros(states.size(-1))
            total = 0.0
            for pos in range(states.size(1)):
                w = (DECAY ** pos) * float(keep[row, pos])
                acc += w * states[row, pos]
                total += w
            pooled.append(acc / max(total, 1e-6))
        batch["vectors"] = torch.stack(pooled)
        return batch


class Load:
    def __call__(self, batch: Batch) -> Batch:
        table = {hive: vec for hive, vec in zip(batch["hives"], batch["vectors"])}
        logger.info("loaded %d vectors of dim %d", len(table), batch["vectors"].size(-1))
        batch["table"] = table
        return batch


def run_job() -> Batch:
    torch.manual_seed(5)
    tokenizer = make_tokenizer()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=HIDDEN, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    pipeline: Pipeline = [Extract(), Encode(tokenizer), Contextualize(BertModel(config)), DecayPool(), Load()]
    batch: Batch = {}
    for stage in pipeline:
        logger.debug("stage %s", stage)
        batch = stage(batch)
    return batch


if __name__ == "__main__":
    result = run_job()
    logger.info("dashboard table ready: %s", sorted(result["table"]))
