"""Guess the plant family of digitised herbarium sheets from their label fields."""
from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer


class Segment(enum.IntEnum):
    LABEL = 0
    COLLECTOR = 1
    DETERMINATION = 2


class Family(enum.IntEnum):
    ROSACEAE = 0
    ORCHIDACEAE = 1
    POACEAE = 2


@dataclass(frozen=True)
class EncoderSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 64
    seed: int = 5


class SheetBatch(TypedDict):
    ids: torch.Tensor
    segments: torch.Tensor
    keep: torch.Tensor
    family: torch.Tensor


SHEETS = [
    ({Segment.LABEL: "shrub with thorny stems near the river", Segment.COLLECTOR: "coll smith 1921",
      Segment.DETERMINATION: "det rosa canina"}, Family.ROSACEAE),
    ({Segment.LABEL: "epiphyte on oak bark in cloud forest", Segment.COLLECTOR: "coll garcia 1987",
      Segment.DETERMINATION: "det dendrobium sp"}, Family.ORCHIDACEAE),
    ({Segment.LABEL: "tufted grass on dry chalk slope", Segment.COLLECTOR: "coll smith 1933",
      Segment.DETERMINATION: "det festuca ovina"}, Family.POACEAE),
]


def make_tokenizer() -> BertTokenizer:
    words = sorted({w for fields, _ in SHEETS for text in fields.values() for w in text.split()})
    folder = tempfile.mkdtemp(prefix="herbarium_")
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def encode_sheet(tok: BertTokenizer, fields: dict[Segment, str]) -> tuple[list[int], list[int]]:
    ids, segs = [tok.cls_token_id], [int(Segment.LABEL)]
    for kind in Segment:
        piece = tok(fields[kind], add_special_tokens=False)["input_ids"] + [tok.sep_token_id]
        ids += piece
        segs += [int(kind)] * len(piece)
    return ids, segs


def collate(tok: BertTokenizer, sheets) -> SheetBatch:
    encoded = [encode_sheet(tok, fields) for fields, _ in sheets]
    width = max(len(ids) for ids, _ in encoded)
    ids = torch.full((len(encoded), width), tok.pad_token_id)
    segments = torch.zeros_like(ids)
    keep = torch.zeros_like(ids)
    for row, (toks, segs) in enumerate(encoded):
        ids[row, : len(toks)] = torch.tensor(toks)
        segments[row, : len(segs)] = torch.tensor(segs)
        keep[row, : len(toks)] = 1
    family = torch.tensor([int(fam) for _, fam in sheets])
    return SheetBatch(ids=ids, segments=segments, keep=keep, family=family)


class SheetClassifier(nn.Module):
    def __init__(self, vocab_size: int, s: EncoderSettings) -> None:
        super().__init__()
        config = BertConfig(vocab_size=vocab_size, hidden_size=s.hidden, num_hidden_layers=s.layers,
                            num_attention_heads=s.heads, intermediate_size=s.ffn,
                            max_position_embeddings=s.max_positions, type_vocab_size=len(Segment))
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(s.hidden, len(Family))

    def forward(self, batch: SheetBatch) -> torch.Tensor:
        match batch:
            case {"ids": ids, "segments": segs, "keep": keep}:
                hidden = self.encoder(input_ids=ids, token_type_ids=segs, attention_mask=keep).last_hidden_state
            case _:
                raise TypeError("sheet batch is missing encoder inputs")
        return self.head(hidden[:, 0])


def main() -> None:
    settings = EncoderSettings()
    torch.manual_seed(settings.seed)
    tok = make_tokenizer()
    model = SheetClassifier(tok.vocab_size, settings)
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch = collate(tok, SHEETS)
    print(f"batch of {batch['ids'].shape[0]} sheets, width {batch['ids'].shape[1]}")

    for epoch in range(5):
        logits = model(batch)
        loss = nn.functional.cross_entropy(logits, batch["family"])
        loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    with torch.no_grad():
        guesses = model(batch).argmax(-1).tolist()
    for (fields, fam), g in zip(SHEETS, guesses):
        print(f"{fields[Segment.DETERMINATION]:<22} true={fam.name:<12} pred={Family(g).name}")


if __name__ == "__main__":
    main()
