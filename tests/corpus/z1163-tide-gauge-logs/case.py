"""Tide-gauge station logs -> maintenance category (sensor / power / comms / datum).

Tiny BERT fine-tune; model, head and collator come from registries and the
settings dict, so sweeps only edit CFG.
"""
import os
import random
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

REGISTRY = {"models": {}, "heads": {}, "collators": {}}


def register(section, name):
    def inner(obj):
        REGISTRY[section][name] = obj
        return obj
    return inner


def register_model(name):
    return register("models", name)


def register_collator(name):
    return register("collators", name)


CATEGORIES = ["sensor", "power", "comms", "datum"]

CFG = {
    "model": {"type": "tiny_bert", "args": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                                            "intermediate_size": 64, "max_position_embeddings": 40}},
    "data": {"collator": {"type": "hf_pad", "args": {}}, "batch_size": 2},
    "train": {"lr": 5e-4, "steps_per_epoch": 3, "epochs": 2, "seed": 21},
}

LOGS = [
    ("radar gauge reading drifted against tide staff, cleaned the horn and reset the offset", "sensor"),
    ("battery voltage low overnight, solar panel covered in guano, panel washed", "power"),
    ("no transmissions since monday, modem rebooted and the antenna cable was replaced at the mast", "comms"),
    ("benchmark levelling run repeated after the quay works, new datum offset applied to the gauge zero "
     "and the tide staff was re-surveyed from the two reference marks on the harbour wall, the old offset "
     "kept in the station file until the next annual levelling visit by the survey team", "datum"),
    ("pressure sensor stuck at a constant value, swapped for the spare unit", "sensor"),
    ("charge controller fault light on, fuse replaced", "power"),
]


@register_model("tiny_bert")
def tiny_bert(vocab_size, num_labels, **arch):
    return BertForSequenceClassification(BertConfig(vocab_size=vocab_size, num_labels=num_labels, **arch))


@register_collator("hf_pad")
class PadCollator:
    def __init__(self, tokenizer, max_length=128):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, examples):
        texts, cats = zip(*examples)
        enc = self.tokenizer(list(texts), padding="longest", truncation=True, max_length=self.max_length,
                             return_tensors="pt")
        enc["labels"] = torch.tensor([CATEGORIES.index(c) for c in cats])
        return dict(enc)


def instantiate(section, spec, **extra):
    return REGISTRY[section][spec["type"]](**extra, **spec["args"])


def build_tokenizer(corpus):
    words = sorted({w.strip(",.").lower() for text, _ in corpus for w in text.split()})
    vocab_dir = tempfile.mkdtemp(prefix="tidelogs_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "."] + words) + "\n")
    return BertTokenizer(path)


def sample_batches(data, bs, n):
    for _ in range(n):
        yield random.sample(data, bs)


def main():
    random.seed(CFG["train"]["seed"])
    torch.manual_seed(CFG["train"]["seed"])
    tok = build_tokenizer(LOGS)
    model = instantiate("models", CFG["model"], vocab_size=tok.vocab_size, num_labels=len(CATEGORIES))
    collate = instantiate("collators", CFG["data"]["collator"], tokenizer=tok)
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["train"]["lr"])
    print(f"vocab={tok.vocab_size} categories={CATEGORIES}")

    model.train()
    for epoch in range(CFG["train"]["epochs"]):
        for step, examples in enumerate(sample_batches(LOGS, CFG["data"]["batch_size"],
                                                        CFG["train"]["steps_per_epoch"])):
            batch = collate(examples)
            out = model(**batch)
            out.loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
            print(f"epoch {epoch} step {step} width {batch['input_ids'].shape[1]} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate(LOGS)
        guesses = model(**batch).logits.argmax(-1).tolist()
    for (text, gold), g in zip(LOGS, guesses):
        print(f"{gold:>6} | {CATEGORIES[g]:>6} | {text[:50]}")


if __name__ == "__main__":
    main()
