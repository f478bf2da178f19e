"""Drug-drug interaction severity scoring.

Each example is (drug A, drug B, patient context). We pack the three parts into
one BERT input as [CLS] a [SEP] b [SEP] ctx [SEP] and score severity 0..2.
"""
import os
import tempfile
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

SEVERITY = ["none", "moderate", "major"]

RECORDS = [
    ("warfarin", "aspirin", "elderly patient with history of gi bleed", 2),
    ("lisinopril", "spironolactone", "chronic kidney disease stage three", 2),
    ("metformin", "atorvastatin", "type two diabetes stable", 0),
    ("simvastatin", "clarithromycin", "short course for pneumonia", 1),
    ("sertraline", "tramadol", "post operative pain", 1),
    ("amoxicillin", "paracetamol", "child with ear infection", 0),
]


@dataclass
class PackedExample:
    token_ids: List[int] = field(default_factory=list)
    segment_ids: List[int] = field(default_factory=list)
    severity: int = 0


def build_tokenizer():
    words = set()
    for a, b, ctx, _ in RECORDS:
        words.update(a.split() + b.split() + ctx.split())
    tmp = tempfile.mkdtemp(prefix="ddi_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words):
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


def pack(tokenizer, parts, severity):
    ex = PackedExample(severity=severity)
    ex.token_ids.append(tokenizer.cls_token_id)
    ex.segment_ids.append(0)
    for part_no, text in enumerate(parts):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        ex.token_ids.extend(piece)
        ex.segment_ids.extend([0 if part_no == 0 else 1] * len(piece))
    return ex


def to_batch(examples, pad_id):
    width = max(len(e.token_ids) for e in examples)
    ids, segs, attn = [], [], []
    for e in examples:
        gap = width - len(e.token_ids)
        ids.append(e.token_ids + [pad_id] * gap)
        segs.append(e.segment_ids + [0] * gap)
        attn.append([1] * len(e.token_ids) + [0] * gap)
    return {
        "input_ids": torch.tensor(ids),
        "token_type_ids": torch.tensor(segs),
        "attention_mask": torch.tensor(attn),
        "labels": torch.tensor([e.severity for e in examples]),
    }


def main():
    tok = build_tokenizer()
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(SEVERITY),
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)

    packed = [pack(tok, (a, b, ctx), sev) for a, b, ctx, sev in RECORDS]
    print(f"packed {len(packed)} examples, longest={max(len(p.token_ids) for p in packed)}")

    for step in range(3):
        batch = to_batch(packed, tok.pad_token_id)
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        print(f"step {step} loss={out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        batch = to_batch(packed, tok.pad_token_id)
        probs = F.softmax(model(**{k: v for k, v in batch.items() if k != "labels"}).logits, -1)
    for (a, b, _, _), p in zip(RECORDS, probs):
        print(f"{a:>14} + {b:<16} -> {SEVERITY[int(p.argmax())]} ({p.max():.2f})")


if __name__ == "__main__":
    main()
