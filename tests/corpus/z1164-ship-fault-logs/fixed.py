"""Fault-category classifier for engine-room maintenance log lines.

Small research harness: models, heads and collators are registered by name and
assembled from the nested CFG dict so sweeps only touch the settings.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

MODELS, HEADS, COLLATORS = {}, {}, {}


def _registrar(table):
    def register(name):
        def deco(fn):
            table[name] = fn
            return fn
        return deco
    return register


register_model = _registrar(MODELS)
register_head = _registrar(HEADS)
register_collator = _registrar(COLLATORS)


def build(registry, spec, **extra):
    fn = registry[spec["type"]]
    return fn(**{**spec.get("args", {}), **extra})


CFG = {
    "model": {"type": "tiny_bert", "args": {"hidden": 32, "layers": 1, "heads": 2}},
    "head": {"type": "seq_cls", "args": {"dropout": 0.1}},
    "collator": {"type": "dynamic_pad", "args": {"max_len": 40}},
    "data": {"lowercase": True},
    "train": {"epochs": 1, "bs": 4, "lr": 5e-4},
}

LOGS = [
    ("lube oil pressure low alarm on main engine unit two", "lubrication"),
    ("oil filter differential pressure high changed element", "lubrication"),
    ("jacket water temperature rising on generator three", "cooling"),
    ("sea water pump impeller worn replaced at port", "cooling"),
    ("fuel injector leaking on cylinder four", "fuel"),
    ("heavy fuel oil purifier tripped sludge discharge", "fuel"),
    ("starting air compressor relief valve lifting", "air"),
    ("air bottle drain valve stuck open", "air"),
    ("main switchboard earth fault indicated", "electrical"),
    ("generator breaker failed to close on sync", "electrical"),
    ("steering gear hydraulic pump noisy", "steering"),
    ("rudder angle indicator mismatch bridge and local", "steering"),
]
LABELS = sorted({lab for _, lab in LOGS})


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@register_model("tiny_bert")
def tiny_bert(vocab_size, hidden=32, layers=1, heads=2, num_labels=4, max_pos=64, head_args=None):
    config = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                        num_attention_heads=heads, intermediate_size=hidden * 2,
                        max_position_embeddings=max_pos, num_labels=num_labels,
                        hidden_dropout_prob=(head_args or {}).get("dropout", 0.1))
    return BertForSequenceClassification(config)


@register_head("seq_cls")
def seq_cls_head(dropout=0.1):
    # the HF model carries its own pooler + classifier; we only forward the args
    return {"dropout": dropout}


@register_collator("dynamic_pad")
class DynamicPadCollator:
    def __init__(self, tokenizer, max_len=64):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, rows):
        enc = self.tok([r["text"] for r in rows], padding=True, truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([r["label"] for r in rows], dtype=torch.long)
        return dict(enc)


class LogLines(Dataset):
    def __init__(self, pairs, label2id):
        self.rows = [{"text": t, "label": label2id[lab]} for t, lab in pairs]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def main():
    seed_everything(13)
    tokenizer = BertTokenizer(write_vocab([t for t, _ in LOGS]))
    label2id = {lab: i for i, lab in enumerate(LABELS)}
    print(f"{len(LOGS)} log lines, {len(LABELS)} fault categories: {LABELS}")

    head_args = build(HEADS, CFG["head"])
    model = build(MODELS, CFG["model"], vocab_size=len(tokenizer), num_labels=len(LABELS),
                  head_args=head_args)
    collator = build(COLLATORS, CFG["collator"], tokenizer=tokenizer)
    print("model params:", sum(p.numel() for p in model.parameters()))

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        num_train_epochs=CFG["train"]["epochs"],
        per_device_train_batch_size=CFG["train"]["bs"],
        learning_rate=CFG["train"]["lr"],
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        remove_unused_columns=False,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=LogLines(LOGS, label2id),
                      data_collator=collator)
    out = trainer.train()
    print("train loss:", round(out.training_loss, 4))


if __name__ == "__main__":
    main()
