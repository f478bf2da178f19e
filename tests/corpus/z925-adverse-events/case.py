"""Seriousness triage for adverse event narratives (pharmacovigilance intake).

Small BERT trained with Accelerate; every setting comes from settings.ini.
"""
import configparser
import os
import random
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SETTINGS = """
[model]
hidden_size = 32
layers = 1
heads = 2
max_positions = 64

[tokenizer]
max_len = 96
lowercase = yes

[data]
labels = non_serious,serious,fatal

[train]
batch_size = 3
lr = 3e-4
seed = 11
"""

REPORTS = [
    ("patient reported mild headache after second dose resolved without treatment", "non_serious"),
    ("rash on forearm appeared two days after starting therapy and cleared in a week", "non_serious"),
    ("hospitalised with severe hypotension requiring intravenous fluids and monitoring", "serious"),
    ("anaphylaxis within minutes of infusion treated with epinephrine in emergency room", "serious"),
    ("patient found unresponsive at home and death was confirmed by paramedics", "fatal"),
    ("nausea and dizziness for one afternoon no medical visit needed", "non_serious"),
    ("acute liver injury with jaundice admitted for five days", "serious"),
    ("cardiac arrest during hospital stay resuscitation unsuccessful", "fatal"),
]


def load_settings():
    folder = tempfile.mkdtemp(prefix="pv_")
    ini_path = os.path.join(folder, "settings.ini")
    with open(ini_path, "w") as fh:
        fh.write(SETTINGS)
    cfg = configparser.ConfigParser()
    cfg.read(ini_path)
    return folder, cfg


def make_tokenizer(folder, lowercase):
    words = sorted({w for text, _ in REPORTS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path, do_lower_case=lowercase)


def collate(rows, tokenizer, label_ids, max_len):
    texts = [r[0] for r in rows]
    enc = tokenizer(texts, padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([label_ids[r[1]] for r in rows])
    return dict(enc)


def main():
    folder, cfg = load_settings()
    seed = cfg.getint("train", "seed")
    random.seed(seed)
    torch.manual_seed(seed)

    label_names = cfg["data"]["labels"].split(",")
    label_ids = {name: i for i, name in enumerate(label_names)}
    tokenizer = make_tokenizer(folder, cfg.getboolean("tokenizer", "lowercase"))

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.getint("model", "hidden_size"),
        num_hidden_layers=cfg.getint("model", "layers"),
        num_attention_heads=cfg.getint("model", "heads"),
        intermediate_size=4 * cfg.getint("model", "hidden_size"),
        max_position_embeddings=cfg.getint("model", "max_positions"),
        num_labels=len(label_names),
    )
    model = BertForSequenceClassification(bert_cfg)

    seq_len = cfg.getint("tokenizer", "max_len")
    loader = DataLoader(
        REPORTS,
        batch_size=cfg.getint("train", "batch_size"),
        shuffle=True,
        collate_fn=partial(collate, tokenizer=tokenizer, label_ids=label_ids, max_len=seq_len),
    )
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.getfloat("train", "lr"))

    accelerator = Accelerator(cpu=True)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    accelerator.print(f"training on {len(REPORTS)} narratives, seq_len={seq_len}")

    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
        accelerator.print(f"step {step} loss {out.loss.item():.4f}")

    accelerator.print(f"mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
