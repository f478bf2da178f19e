"""Classify railway signal fault tickets by the subsystem that failed.

Trained with Accelerate so the same script runs on the depot workstation and
on the shared GPU box. Tickets are short, so batches are trimmed to the
longest ticket in the batch instead of always running the full window.
"""
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

WINDOW = 40
SUBSYSTEMS = ["track_circuit", "point_machine", "signal_lamp", "axle_counter"]

TICKETS = [
    ("track circuit showing occupied with no train present after heavy rain", "track_circuit"),
    ("points failed to detect in reverse position at junction", "point_machine"),
    ("red aspect lamp out at signal", "signal_lamp"),
    ("axle counter reset required section stuck occupied", "axle_counter"),
    ("intermittent track circuit drop out near level crossing", "track_circuit"),
    ("point motor overheating slow throw", "point_machine"),
    ("lamp proving relay dropped aspect dark", "signal_lamp"),
    ("axle counter miscount after engineering train", "axle_counter"),
    ("bonding cable stolen track circuit failed", "track_circuit"),
    ("points stuck ice in slide chairs", "point_machine"),
    ("filament failure on yellow aspect", "signal_lamp"),
    ("axle counter head damaged by tamper", "axle_counter"),
]


@dataclass
class Ticket:
    token_ids: list
    keep: list
    subsystem: int


def make_tokenizer(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def encode_tickets(tokenizer, rows):
    out = []
    for text, subsystem in rows:
        enc = tokenizer(text, padding="max_length", truncation=True, max_length=WINDOW)
        out.append(Ticket(enc["input_ids"], enc["attention_mask"], SUBSYSTEMS.index(subsystem)))
    return out


def trimmed_collate(items, pad_id):
    # drop the trailing columns that are padding for every ticket in the batch
    ids = torch.tensor([t.token_ids for t in items])
    keep = torch.tensor([t.keep for t in items])
    used = int((ids != pad_id).sum(dim=1).max())
    return {
        "input_ids": ids[:, :used],
        "attention_mask": keep[:, :used],
        "labels": torch.tensor([t.subsystem for t in items]),
    }


def run_epoch(accelerator, model, loader, optimizer):
    model.train()
    total = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
        if step % 2 == 0:
            accelerator.print(f"  step {step} loss {out.loss.item():.4f}")
    return total / max(1, len(loader))


def main():
    set_seed(7)
    accelerator = Accelerator(cpu=True)
    folder = tempfile.mkdtemp(prefix="signals_")
    tokenizer = make_tokenizer([t for t, _ in TICKETS], folder)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(SUBSYSTEMS),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    tickets = encode_tickets(tokenizer, TICKETS)
    loader = DataLoader(
        tickets,
        batch_size=4,
        shuffle=True,
        collate_fn=partial(trimmed_collate, pad_id=tokenizer.pad_token_id),
    )
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(2):
        avg = run_epoch(accelerator, model, loader, optimizer)
        accelerator.print(f"epoch {epoch}: mean loss {avg:.4f}")

    accelerator.print("done")


if __name__ == "__main__":
    main()
