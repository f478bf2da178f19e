"""Classify harbour-master port-call log lines into vessel movement events.

Log lines reference vessels, berths and anchorages; those references are replaced by
placeholder tokens so the model doesn't memorise hull names.
"""
import enum
import os
import re
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)


class Movement(enum.Enum):
    BERTHED = 0
    ANCHORED = 1
    UNDERWAY = 2
    DRIFTING = 3


class Mode(enum.Enum):
    TRAIN = "train"
    VALIDATE = "validate"


PLACEHOLDERS = ["[VESSEL]", "[BERTH]", "[ANCHORAGE]"]

LOG = [
    ("train", "MV Nordkap all fast at B12 pilot off", Movement.BERTHED),
    ("train", "Tanker Aurora let go anchor at A3 awaiting berth", Movement.ANCHORED),
    ("train", "MV Kestrel departed B07 outbound channel", Movement.UNDERWAY),
    ("train", "Barge Tove lost power near A1 drifting east", Movement.DRIFTING),
    ("train", "Ro-ro Selma alongside B03 lines secured", Movement.BERTHED),
    ("train", "MV Orca anchored at A2 weather hold", Movement.ANCHORED),
    ("validate", "Tanker Vega underway from B12 to sea", Movement.UNDERWAY),
    ("validate", "MV Lyra engine failure drifting off A3", Movement.DRIFTING),
]


def mask_entities(line):
    line = re.sub(r"^(MV|Tanker|Barge|Ro-ro) \w+", "[VESSEL]", line)
    line = re.sub(r"\bB\d{2}\b", "[BERTH]", line)
    return re.sub(r"\bA\d\b", "[ANCHORAGE]", line)


def build_tokenizer(lines):
    words = sorted({w.lower() for l in lines for w in l.split() if not w.startswith("[")})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]:
            fh.write(w + "\n")
    tok = BertTokenizer(path)
    added = tok.add_tokens(PLACEHOLDERS, special_tokens=True)
    print(f"tokenizer: base vocab {tok.vocab_size}, added {added} placeholders")
    return tok


def collate(records, tok):
    texts, targets = [], []
    for rec in records:
        match rec:
            case (_, str(line), Movement() as mv):
                texts.append(line)
                targets.append(mv.value)
            case _:
                raise ValueError(f"unexpected log record {rec!r}")
    batch = tok(texts, padding=True, truncation=True, max_length=24, return_tensors="pt")
    batch["labels"] = torch.tensor(targets)
    return batch


def run_epoch(model, loader, accelerator, mode, optim=None):
    total, seen = 0.0, 0
    for batch in loader:
        match mode:
            case Mode.TRAIN:
                out = model(**batch)
                accelerator.backward(out.loss)
                optim.step()
                optim.zero_grad()
            case Mode.VALIDATE:
                with torch.no_grad():
                    out = model(**batch)
        total += out.loss.item() * batch["labels"].size(0)
        seen += batch["labels"].size(0)
    return total / max(seen, 1)


def main():
    accelerator = Accelerator(cpu=True)
    records = [(split, mask_entities(line), mv) for split, line, mv in LOG]
    tok = build_tokenizer([r[1] for r in records])

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(Movement))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    make_batch = partial(collate, tok=tok)
    train = DataLoader([r for r in records if r[0] == Mode.TRAIN.value], batch_size=3,
                       shuffle=True, collate_fn=make_batch)
    val = DataLoader([r for r in records if r[0] == Mode.VALIDATE.value], batch_size=2,
                     collate_fn=make_batch)
    model, optim, train, val = accelerator.prepare(model, optim, train, val)

    for epoch in range(3):
        model.train()
        tr_loss = run_epoch(model, train, accelerator, Mode.TRAIN, optim)
        model.eval()
        va_loss = run_epoch(model, val, accelerator, Mode.VALIDATE)
        accelerator.print(f"epoch {epoch}: train {tr_loss:.4f}  val {va_loss:.4f}")


if __name__ == "__main__":
    main()
