"""Score drug-drug interaction severity from (drug A, drug B, patient note) triples with Accelerate."""
import argparse
import functools
import random
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Severity(Enum):
    NONE = 0
    MODERATE = 1
    MAJOR = 2


PAIRS = [
    ("warfarin", "aspirin", "elderly patient on anticoagulation", Severity.MAJOR),
    ("simvastatin", "clarithromycin", "statin therapy for hyperlipidemia", Severity.MAJOR),
    ("lisinopril", "spironolactone", "monitor potassium in renal impairment", Severity.MODERATE),
    ("metformin", "furosemide", "type two diabetes stable renal function", Severity.MODERATE),
    ("amoxicillin", "paracetamol", "child with ear infection and fever", Severity.NONE),
    ("omeprazole", "ibuprofen", "short course for back pain", Severity.NONE),
]


@dataclass(frozen=True)
class RunConfig:
    hidden: int = 32
    max_positions: int = 64
    type_vocab_size: int = 2
    batch_size: int = 3
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 11


def write_vocab(rows, folder: Path) -> Path:
    tokens = sorted({w for row in rows for field in row[:3] for w in field.split()})
    path = folder / "vocab.txt"
    path.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")
    return path


def encode_triple(tokenizer, drug_a, drug_b, note):
    """[CLS] drug_a [SEP] drug_b [SEP] note [SEP], each segment with its own type id."""
    ids, segs = [tokenizer.cls_token_id], [0]
    for seg_no, field in enumerate((drug_a, drug_b, note)):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(field)) + [tokenizer.sep_token_id]
        ids.extend(piece)
        segs.extend([seg_no] * len(piece))
    return ids, segs


def collate(rows, tokenizer):
    encoded = [encode_triple(tokenizer, a, b, note) for a, b, note, _ in rows]
    width = max(len(ids) for ids, _ in encoded)
    pad = tokenizer.pad_token_id
    batch = {
        "input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in encoded]),
        "token_type_ids": torch.tensor([segs + [0] * (width - len(segs)) for _, segs in encoded]),
        "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in encoded]),
        "labels": torch.tensor([sev.value for *_, sev in rows]),
    }
    return batch


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=RunConfig.epochs)
    parser.add_argument("--lr", type=float, default=RunConfig.lr)
    args = parser.parse_args([])
    cfg = RunConfig(epochs=args.epochs, lr=args.lr)

    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)

    scratch = Path(tempfile.mkdtemp(prefix="ddi-"))
    try:
        tokenizer = BertTokenizer(str(write_vocab(PAIRS, scratch)))
        model = BertForSequenceClassification(BertConfig(
            vocab_size=len(tokenizer), hidden_size=cfg.hidden, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64,
            max_position_embeddings=cfg.max_positions, type_vocab_size=cfg.type_vocab_size,
            num_labels=len(Severity),
        ))
        loader = DataLoader(PAIRS, batch_size=cfg.batch_size, shuffle=True,
                            collate_fn=functools.partial(collate, tokenizer=tokenizer))
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

        model.train()
        for epoch in range(cfg.epochs):
            running = 0.0
            for step, batch in enumerate(loader):
                out = model(**batch)
                accelerator.backward(out.loss)
                optimizer.step()
                optimizer.zero_grad()
                running += out.loss.item()
            accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
