"""Homework 5 (solution key): triage railway signalling fault tickets.

A ticket has three fields (asset, symptom, crew action). Each field is its own
segment of the BERT input; the model predicts the ticket priority (P1-P3).
Training loop written by hand with Accelerate.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification

torch.manual_seed(1)

# Part 1: data
FIELDS = ("asset", "symptom", "action")
PRIORITIES = ["P1", "P2", "P3"]


@dataclass
class Ticket:
    asset: str
    symptom: str
    action: str
    priority: str


TICKETS = [
    Ticket("point machine 14b", "fails to detect reverse", "clamp and lock", "P1"),
    Ticket("track circuit t22", "intermittent bobbing", "bond replaced", "P2"),
    Ticket("signal s40 lamp", "filament proved out", "lamp changed", "P3"),
    Ticket("axle counter ac7", "reset required after train", "evaluator swapped", "P2"),
    Ticket("level crossing barrier", "barrier slow to lower", "hydraulics topped up", "P1"),
    Ticket("signal s12 lamp", "aspect dim at night", "lens cleaned", "P3"),
    Ticket("point machine 3a", "motor stalls mid stroke", "slide chairs lubricated", "P2"),
    Ticket("track circuit t9", "shows occupied when clear", "insulated joint replaced", "P1"),
]


def describe(name, x):
    print(f"  {name:<14} {tuple(x.shape)}  min={int(x.min())} max={int(x.max())}")


def q1_build_vocab(tickets):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for t in tickets:
        for field in FIELDS:
            for w in getattr(t, field).split():
                vocab.setdefault(w, len(vocab))
    return vocab


def q2_encode(ticket, vocab):
    """[CLS] asset [SEP] symptom [SEP] action [SEP], one segment id per field."""
    ids, segs = [vocab["[CLS]"]], [0]
    for seg_no, field in enumerate(FIELDS):
        words = getattr(ticket, field).split()
        ids += [vocab.get(w, vocab["[UNK]"]) for w in words] + [vocab["[SEP]"]]
        segs += [seg_no] * (len(words) + 1)
    return ids, segs


def q3_collate(batch):
    width = max(len(ids) for ids, _, _ in batch)
    tok = torch.zeros(len(batch), width, dtype=torch.long)
    seg = torch.zeros_like(tok)
    keep = torch.zeros_like(tok)
    for row, (ids, segs, _) in enumerate(batch):
        tok[row, :len(ids)] = torch.tensor(ids)
        seg[row, :len(segs)] = torch.tensor(segs)
        keep[row, :len(ids)] = 1
    prio = torch.tensor([p for _, _, p in batch])
    return {"input_ids": tok, "token_type_ids": seg, "attention_mask": keep, "labels": prio}


vocab = q1_build_vocab(TICKETS)
examples = [(*q2_encode(t, vocab), PRIORITIES.index(t.priority)) for t in TICKETS]
loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=q3_collate)

print("Part 1: vocab size", len(vocab))
first = next(iter(loader))
for key in ("input_ids", "token_type_ids", "attention_mask"):
    describe(key, first[key])
assert first["input_ids"].shape == first["token_type_ids"].shape == first["attention_mask"].shape
assert first["labels"].shape == (4,)

# Part 2: model
config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=64, num_labels=len(PRIORITIES),
                    type_vocab_size=len(FIELDS))
model = BertForSequenceClassification(config)


def q4_train(model, loader, epochs=3):
    accelerator = Accelerator(cpu=True)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"  epoch {epoch}: loss {running / len(loader):.4f}")
    return accelerator.unwrap_model(model)


model = q4_train(model, loader)
logits = model(**{k: v for k, v in first.items() if k != "labels"}).logits
assert logits.shape == (4, len(PRIORITIES))
print("Part 2: done, predictions", logits.argmax(-1).tolist())
