"""Route laboratory incident reports to the right safety officer by hazard class.

Tiny BERT trained from scratch with Accelerate (CPU only for now).
"""
from __future__ import annotations

import enum
import functools
import os
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Hazard(enum.IntEnum):
    NONE = 0
    CHEMICAL = 1
    BIOLOGICAL = 2
    RADIOLOGICAL = 3
    ELECTRICAL = 4


class Task(enum.Enum):
    HAZARD_ROUTING = "hazard"
    NEAR_MISS_FLAG = "near_miss"


class ReportBatch(TypedDict):
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor


@dataclass(frozen=True)
class RunConfig:
    task: Task = Task.HAZARD_ROUTING
    max_tokens: int = 24
    batch_size: int = 3
    lr: float = 3e-4
    epochs: int = 2


REPORTS = [
    ("spilled acetone near the fume hood , cleaned with pads", Hazard.CHEMICAL),
    ("culture flask cracked inside the incubator", Hazard.BIOLOGICAL),
    ("survey meter alarm near the isotope fridge", Hazard.RADIOLOGICAL),
    ("frayed cable on the centrifuge , sparks seen", Hazard.ELECTRICAL),
    ("routine walkthrough , nothing to report", Hazard.NONE),
    ("acid bottle leaked onto the bench", Hazard.CHEMICAL),
    ("power strip overheated under the bench", Hazard.ELECTRICAL),
    ("glove tear while handling the culture", Hazard.BIOLOGICAL),
    ("walkthrough of the cold room , nothing found", Hazard.NONE),
]


def build_tokenizer(texts: list[str]) -> BertTokenizer:
    vocab = sorted({tok for t in texts for tok in t.split()})
    root = tempfile.mkdtemp(prefix="hazard_tok_")
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *vocab]:
            fh.write(tok + "\n")
    return BertTokenizer(os.path.join(root, "vocab.txt"))


def head_size(task: Task) -> int:
    match task:
        case Task.HAZARD_ROUTING:
            return max(Hazard)
        case Task.NEAR_MISS_FLAG:
            return 2


def collate(rows: list[tuple[str, Hazard]], tokenizer: BertTokenizer, max_tokens: int) -> ReportBatch:
    texts = [text for text, _ in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt")
    return ReportBatch(
        input_ids=enc["input_ids"],
        attention_mask=enc["attention_mask"],
        labels=torch.tensor([int(h) for _, h in rows]),
    )


def main() -> None:
    cfg = RunConfig()
    set_seed(11)
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer([t for t, _ in REPORTS])

    n_classes = head_size(cfg.task)
    model = BertForSequenceClassification(
        BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=n_classes,
        )
    )
    loader = DataLoader(
        REPORTS,
        batch_size=cfg.batch_size,
        shuffle=True,
        collate_fn=functools.partial(collate, tokenizer=tokenizer, max_tokens=cfg.max_tokens),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    accelerator.print(f"task={cfg.task.value} classes={n_classes} reports={len(REPORTS)}")

    model.train()
    for epoch in range(cfg.epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += accelerator.gather_for_metrics(out.loss.detach()).mean().item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = collate([("cable sparks near the fume hood", Hazard.ELECTRICAL)], tokenizer, cfg.max_tokens)
        logits = model(**{k: v.to(accelerator.device) for k, v in probe.items()}).logits
    accelerator.print("probe routed to:", Hazard(int(logits.argmax(-1))).name)


if __name__ == "__main__":
    main()
