"""Route railway signalling fault reports to the right maintenance crew.

Small BERT classifier trained with Accelerate on CPU. Reports come from the
depot's fault-logging terminal as free text plus a crew code.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, default_data_collator


@dataclass
class RunConfig:
    max_tokens: int = 40
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7


CREWS = ["track_circuit", "point_machine", "signal_head", "axle_counter"]

FAULT_LOG = [
    ("track circuit showing occupied with no train present after heavy rain", "track_circuit"),
    ("points failed to detect in normal position", "point_machine"),
    ("red aspect lamp out at signal", "signal_head"),
    ("axle counter reset required section disturbed after engineering train passed", "axle_counter"),
    ("point motor stalling drive rod stiff ice suspected", "point_machine"),
    ("signal showing dark", "signal_head"),
    ("track circuit flickering intermittent drop out", "track_circuit"),
    ("counter head damaged by ballast tamper", "axle_counter"),
    ("points out of correspondence", "point_machine"),
    ("green aspect dim lens dirty", "signal_head"),
    ("insulated rail joint failed track circuit down", "track_circuit"),
    ("axle counter miscount two extra axles recorded", "axle_counter"),
]


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="sig_tok_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")
    return BertTokenizer(path)


def encode_record(record, tokenizer, cfg):
    text, crew = record
    enc = tokenizer(text, truncation=True, max_length=cfg.max_tokens)
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "labels": CREWS.index(crew),
    }


def iter_batches_forever(loader):
    while True:
        for b in loader:
            yield b


def main():
    cfg = RunConfig()
    set_seed(cfg.seed)
    random.seed(cfg.seed)

    accelerator = Accelerator(cpu=True)
    tokenizer = make_tokenizer([t for t, _ in FAULT_LOG])
    accelerator.print(f"vocab: {len(tokenizer)} tokens, {len(FAULT_LOG)} reports")

    encoded = [encode_record(r, tokenizer, cfg) for r in FAULT_LOG]
    random.shuffle(encoded)

    loader = DataLoader(encoded, batch_size=cfg.batch_size, shuffle=True, collate_fn=default_data_collator)

    bert_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(CREWS),
    )
    model = BertForSequenceClassification(bert_cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model, optim, loader = accelerator.prepare(model, optim, loader)

    steps_per_epoch = len(loader)
    batches = iter_batches_forever(loader)
    model.train()
    for epoch in range(cfg.epochs):
        running = 0.0
        for _ in range(steps_per_epoch):
            batch = next(batches)
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / steps_per_epoch:.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in loader:
            preds = model(**batch).logits.argmax(-1)
            correct += (preds == batch["labels"]).sum().item()
    accelerator.print(f"train accuracy: {correct / len(encoded):.2f}")


if __name__ == "__main__":
    main()
