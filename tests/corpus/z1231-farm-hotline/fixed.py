"""Joint crop + urgency tagging for an agricultural extension hotline (tiny BERT, Accelerate loop)."""
from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass
from functools import partial
from typing import TypedDict

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class Task(enum.Enum):
    CROP = "crop"
    URGENCY = "urgency"


class Crop(enum.IntEnum):
    MAIZE = 0
    CASSAVA = 1
    COFFEE = 2
    TOMATO = 3
    BEANS = 4


class Urgency(enum.IntEnum):
    ROUTINE = 0
    SOON = 1
    IMMEDIATE = 2


class HotlineBatch(TypedDict):
    ids: torch.Tensor
    attn: torch.Tensor
    crop: torch.Tensor
    urgency: torch.Tensor


@dataclass(frozen=True)
class Settings:
    seed: int = 21
    hidden: int = 32
    max_len: int = 24
    batch_size: int = 4
    epochs: int = 2
    lr: float = 5e-4


CALLS = [
    ("leaves on my maize rolled and armyworm in the funnel", Crop.MAIZE, Urgency.IMMEDIATE),
    ("cassava roots soft and brown streaks inside", Crop.CASSAVA, Urgency.SOON),
    ("when should i prune coffee after harvest", Crop.COFFEE, Urgency.ROUTINE),
    ("tomato plants wilting suddenly in whole field", Crop.TOMATO, Urgency.IMMEDIATE),
    ("which bean variety for short rains season", Crop.BEANS, Urgency.ROUTINE),
    ("coffee berries black spots and dropping", Crop.COFFEE, Urgency.SOON),
    ("maize seed spacing for hand planting", Crop.MAIZE, Urgency.ROUTINE),
    ("bean leaves yellow with rust powder underneath", Crop.BEANS, Urgency.SOON),
]


def make_tokenizer() -> BertTokenizer:
    words = sorted({w for text, _, _ in CALLS for w in text.split()})
    vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return BertTokenizer(vocab)


def collate(rows, tok: BertTokenizer, max_len: int) -> HotlineBatch:
    enc = tok([r[0] for r in rows], padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    return HotlineBatch(ids=enc["input_ids"], attn=enc["attention_mask"],
                        crop=torch.tensor([int(r[1]) for r in rows]),
                        urgency=torch.tensor([int(r[2]) for r in rows]))


class HotlineTagger(nn.Module):
    def __init__(self, vocab_size: int, s: Settings) -> None:
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=s.hidden, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=64))
        self.dropout = nn.Dropout(0.1)
        self.heads = nn.ModuleDict({t.value: self._head(t, s.hidden) for t in Task})

    @staticmethod
    def _head(task: Task, hidden: int) -> nn.Module:
        match task:
            case Task.CROP:
                return nn.Linear(hidden, len(Crop))
            case Task.URGENCY:
                return nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, len(Urgency)))
        raise ValueError(task)

    def forward(self, ids: torch.Tensor, attn: torch.Tensor) -> dict[Task, torch.Tensor]:
        pooled = self.dropout(self.bert(input_ids=ids, attention_mask=attn).pooler_output)
        return {t: self.heads[t.value](pooled) for t in Task}


def joint_loss(logits: dict[Task, torch.Tensor], golds: dict[str, torch.Tensor]) -> torch.Tensor:
    # one cross-entropy over every (task, example) pair so both tasks weigh the same per example
    per_task = torch.stack([F.cross_entropy(logits[t], golds[t.value]) for t in Task])
    return per_task.mean()


def main(s: Settings = Settings()) -> None:
    torch.manual_seed(s.seed)
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer()
    loader = DataLoader(CALLS, batch_size=s.batch_size, shuffle=True,
                        collate_fn=partial(collate, tok=tok, max_len=s.max_len))
    model = HotlineTagger(tok.vocab_size, s)
    optim = torch.optim.AdamW(model.parameters(), lr=s.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(s.epochs):
        model.train()
        running = 0.0
        for batch in loader:
            match batch:
                case {"ids": ids, "attn": attn, **golds}:
                    logits = model(ids, attn)
                case _:
                    raise KeyError("batch without ids/attn")
            loss = joint_loss(logits, golds)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch} joint loss {running / len(loader):.4f}")
    accelerator.print("tasks:", {t.value: h.__class__.__name__ for t, h in zip(Task, model.heads.values())})


if __name__ == "__main__":
    main()
