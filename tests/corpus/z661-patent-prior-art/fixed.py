"""Score whether a cited prior-art passage anticipates a patent claim.

Claims and passages are tokenised once and cached (examiners reuse the same
passages across many claims), then assembled into BERT sentence pairs on the fly.
Training runs through Accelerate so the same loop works on the GPU box later.
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache, partial

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("prior_art")

PAIRS: list[tuple[str, str, int]] = [
    ("a fastening clip with a resilient tongue engaging a slot",
     "the clip comprises a resilient tongue which snaps into a slot of the panel", 1),
    ("a fastening clip with a resilient tongue engaging a slot",
     "a hinge assembly having a pin rotatably received in a sleeve", 0),
    ("a heat exchanger with corrugated fins brazed to flat tubes",
     "flat tubes are brazed to corrugated fins to form the heat exchanger core", 1),
    ("a heat exchanger with corrugated fins brazed to flat tubes",
     "the valve body includes a spring biased poppet", 0),
    ("a valve having a spring biased poppet and a seat",
     "the valve body includes a spring biased poppet urged against a seat", 1),
    ("a valve having a spring biased poppet and a seat",
     "the panel is fixed by a clip with a resilient tongue", 0),
]


@dataclass(frozen=True)
class RunConfig:
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    max_positions: int = 64
    batch_size: int = 3
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 11


def write_vocab() -> str:
    words = sorted({w for c, p, _ in PAIRS for w in (c + " " + p).split()})
    path = os.path.join(tempfile.mkdtemp(prefix="prior_art_"), "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return path


def make_encoder(tokenizer: BertTokenizer):
    @lru_cache(maxsize=None)
    def encode(text: str) -> tuple[int, ...]:
        return tuple(tokenizer.encode(text, add_special_tokens=False))
    return encode


def segment_ids_from_separators(ids: torch.Tensor, sep_id: int) -> torch.Tensor:
    # segment ids follow the [SEP] boundaries
    return (ids == sep_id).long().cumsum(dim=1)


def collate_pairs(batch, encode, tokenizer: BertTokenizer) -> dict[str, torch.Tensor]:
    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    rows = [[cls_id, *encode(claim), sep_id, *encode(passage), sep_id] for claim, passage, _ in batch]
    seg_rows = [[0] * (len(encode(claim)) + 2) + [1] * (len(encode(passage)) + 1) for claim, passage, _ in batch]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attn = torch.zeros((len(rows), width), dtype=torch.long)
    segs = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        attn[i, : len(r)] = 1
        segs[i, : len(r)] = torch.tensor(seg_rows[i])
    return {
        "input_ids": ids,
        "attention_mask": attn,
        "token_type_ids": segs,
        "labels": torch.tensor([y for *_, y in batch], dtype=torch.long),
    }


def build_model(cfg: RunConfig, vocab_size: int) -> BertForSequenceClassification:
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=cfg.max_positions,
        num_labels=2,
    )
    return BertForSequenceClassification(config)


def train(cfg: RunConfig) -> float:
    accelerator = Accelerator(cpu=True)
    set_seed(cfg.seed)
    tokenizer = BertTokenizer(write_vocab())
    encode = make_encoder(tokenizer)

    loader = DataLoader(PAIRS, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=partial(collate_pairs, encode=encode, tokenizer=tokenizer))
    model = build_model(cfg, tokenizer.vocab_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    last = float("nan")
    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            last = out.loss.item()
            logger.info("epoch %d step %d loss %.4f", epoch, step, last)
    return last


if __name__ == "__main__":
    final_loss = train(RunConfig())
    logger.info("done, final loss %.4f", final_loss)
