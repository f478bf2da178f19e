"""Extractive QA over pharmacy compounding records: pull the dose / vehicle / storage span out of a record.

Tiny BERT encoder + start/end span head, trained with Accelerate.
"""
import os
import tempfile
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SPECIALS: list[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


class Record(NamedTuple):
    question: str
    context: str
    answer: str


class SpanBatch(NamedTuple):
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    token_type_ids: torch.Tensor
    start: torch.Tensor
    end: torch.Tensor


RECORDS: list[Record] = [
    Record("what is the dose", "oral suspension for a small dog give 2 ml twice daily with food", "2 ml twice daily"),
    Record("what is the vehicle", "capsules compounded with methylcellulose as filler and sealed in blister", "methylcellulose"),
    Record("how should it be stored", "topical cream must be kept refrigerated between 2 and 8 degrees", "refrigerated"),
    Record("what is the dose", "paediatric syrup prescribed at 5 ml every eight hours for ten days", "5 ml every eight hours"),
    Record("what is the vehicle", "ointment prepared in white soft paraffin base for dry skin", "white soft paraffin"),
    Record("how should it be stored", "eye drops to be stored in the dark at room temperature", "in the dark"),
    Record("what is the dose", "transdermal gel apply 1 click to the inner ear once daily", "1 click"),
    Record("what is the vehicle", "lozenges made with sugar free troche base and flavouring", "sugar free troche base"),
]


def write_vocab(texts: list[str]) -> str:
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="compound_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def locate_answer(context: str, answer: str) -> tuple[int, int]:
    begin = context.index(answer)
    return begin, begin + len(answer) - 1


def collate_records(tok: BertTokenizer, rows: list[Record]) -> SpanBatch:
    enc = tok([r.question for r in rows], [r.context for r in rows], padding=True, return_tensors="pt")
    # the head predicts token positions, so map the character span onto the context's tokens
    char_spans = [locate_answer(r.context, r.answer) for r in rows]
    spans = [
        (enc.char_to_token(i, cs, sequence_index=1), enc.char_to_token(i, ce, sequence_index=1))
        for i, (cs, ce) in enumerate(char_spans)
    ]
    return SpanBatch(
        input_ids=enc["input_ids"],
        attention_mask=enc["attention_mask"],
        token_type_ids=enc["token_type_ids"],
        start=torch.tensor([s for s, _ in spans], dtype=torch.long),
        end=torch.tensor([e for _, e in spans], dtype=torch.long),
    )


class SpanReader(nn.Module):
    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.span_head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, ids: torch.Tensor, att: torch.Tensor, segs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.bert(input_ids=ids, attention_mask=att, token_type_ids=segs).last_hidden_state
        start_logits, end_logits = self.span_head(hidden).unbind(dim=-1)
        return start_logits, end_logits


def span_loss(start_logits: torch.Tensor, end_logits: torch.Tensor, batch: SpanBatch) -> torch.Tensor:
    return (F.cross_entropy(start_logits, batch.start) + F.cross_entropy(end_logits, batch.end)) / 2


def main() -> None:
    set_seed(5)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([t for r in RECORDS for t in (r.question, r.context)]))
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = SpanReader(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loader = DataLoader(RECORDS, batch_size=4, shuffle=True, collate_fn=lambda rows: collate_records(tok, rows))
    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in loader:
            start_logits, end_logits = model(batch.input_ids, batch.attention_mask, batch.token_type_ids)
            loss = span_loss(start_logits, end_logits, batch)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
