"""Tag vessel names, ports and cargo in transcribed VHF harbour radio calls."""
from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass, field
from typing import TypedDict

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

IGNORE = -100


class Tag(enum.IntEnum):
    O = 0
    VESSEL = 1
    PORT = 2
    CARGO = 3


class Task(enum.Enum):
    TAGGING = "tagging"
    INTENT = "intent"


class Budget(enum.IntEnum):
    """Token budget per transmission, per task."""
    TAGGING = 24
    INTENT = 16


@dataclass(frozen=True)
class RunConfig:
    task: Task = Task.TAGGING
    seed: int = 3
    lr: float = 1e-3
    steps: int = 4
    hidden: int = 32
    specials: tuple[str, ...] = field(default=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"))


class RadioBatch(TypedDict):
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    tag_ids: torch.Tensor


O, V, P, C = Tag.O, Tag.VESSEL, Tag.PORT, Tag.CARGO
CALLS: list[list[tuple[str, Tag]]] = [
    [("nordic", V), ("star", V), ("inbound", O), ("to", O), ("rotterdam", P), ("with", O), ("containers", C)],
    [("pilot", O), ("requested", O), ("for", O), ("maersk", V), ("kobe", V)],
    [("ever", V), ("given", V), ("departing", O), ("antwerp", P), ("carrying", O), ("grain", C), ("over", O)],
    [("tug", O), ("alpha", O), ("assist", O), ("berth", O), ("seven", O), ("hamburg", P)],
]


def write_vocab(cfg: RunConfig) -> str:
    words = sorted({w for call in CALLS for w, _ in call})
    vocab_path = os.path.join(tempfile.mkdtemp(prefix="vhf_"), "vocab.txt")
    with open(vocab_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join([*cfg.specials, *words]) + "\n")
    return vocab_path


def align_tags(call: list[tuple[str, Tag]], width: int) -> list[int]:
    # every radio word is a single vocab entry, so tags line up one-to-one after [CLS]
    row = [IGNORE] + [int(t) for _, t in call] + [IGNORE]
    return row + [IGNORE] * (width - len(row))


def collate(calls: list[list[tuple[str, Tag]]], tok: BertTokenizer, task: Task) -> RadioBatch:
    match task:
        case Task.TAGGING:
            width = Budget.TAGGING
        case Task.INTENT:
            width = Budget.INTENT
        case other:
            raise ValueError(f"no budget for {other}")
    enc = tok([[w for w, _ in call] for call in calls], is_split_into_words=True,
              padding=True, truncation=True, max_length=width, return_tensors="pt")
    tag_ids = torch.tensor([align_tags(call, width) for call in calls])
    return RadioBatch(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], tag_ids=tag_ids)


class RadioTagger:
    def __init__(self, cfg: RunConfig, tok: BertTokenizer) -> None:
        self.cfg = cfg
        bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64, num_labels=len(Tag))
        self.model = BertForTokenClassification(bert_cfg)
        self.optim = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)

    def step(self, batch: RadioBatch) -> float:
        match batch:
            case {"tag_ids": gold, **inputs}:
                out = self.model(**inputs, labels=gold)
            case _:
                raise ValueError("training batch without tags")
        out.loss.backward()
        self.optim.step()
        self.optim.zero_grad()
        return out.loss.item()


def main() -> None:
    cfg = RunConfig()
    torch.manual_seed(cfg.seed)
    tok = BertTokenizer(write_vocab(cfg))
    tagger = RadioTagger(cfg, tok)
    batch = collate(CALLS, tok, cfg.task)
    print("inputs", tuple(batch["input_ids"].shape), "tags", tuple(batch["tag_ids"].shape))
    for i in range(cfg.steps):
        print(f"step {i}: loss={tagger.step(batch):.4f}")

    tagger.model.eval()
    with torch.no_grad():
        logits = tagger.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    first = logits[0].argmax(-1)[1 : 1 + len(CALLS[0])]
    print([(w, Tag(int(t)).name) for (w, _), t in zip(CALLS[0], first)])


if __name__ == "__main__":
    main()
