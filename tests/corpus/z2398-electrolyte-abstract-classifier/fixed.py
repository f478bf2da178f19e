"""Classify battery-electrolyte paper abstracts by electrolyte family.

A tiny BERT is trained from scratch on a synthetic corpus of abstracts (liquid
carbonate, solid polymer, ionic liquid, aqueous). Vocab is built from the corpus
and written to disk so the standard WordPiece tokenizer can be used.
"""
import os
import random

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CFG = {
    "seed": 5,
    "n_abstracts": 160,
    "max_len": 64,
    "hidden": 32,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 2,
    "vocab_path": "electrolyte_vocab.txt",
}

LABELS = ["liquid_carbonate", "solid_polymer", "ionic_liquid", "aqueous"]

FAMILY_TERMS = {
    "liquid_carbonate": ["ec", "dmc", "emc", "lipf6", "fec", "vinylene", "carbonate", "sei"],
    "solid_polymer": ["peo", "litfsi", "polymer", "membrane", "crosslinked", "amorphous", "film"],
    "ionic_liquid": ["pyr14", "fsi", "imidazolium", "cation", "anion", "viscosity", "ionic"],
    "aqueous": ["water", "salt", "znso4", "hydrogen", "evolution", "window", "aqueous"],
}
COMMON = ["the", "electrolyte", "conductivity", "of", "and", "at", "room", "temperature", "we",
          "report", "a", "novel", "with", "high", "stability", "cycling", "capacity", "retention",
          "after", "cycles", "lithium", "anode", "cathode", "interface", "ms", "cm", "voltage",
          "in", "this", "work", "show", "improved", "performance", "for", "batteries", "is",
          "was", "measured", "by", "impedance", "spectroscopy", "to", "coulombic", "efficiency"]
NUMBERS = [str(n) for n in range(0, 1001, 25)]


def make_abstract(rng, family, review=False):
    n_sent = rng.randint(6, 9) if review else rng.randint(1, 3)
    sents = []
    for _ in range(n_sent):
        words = rng.sample(COMMON, rng.randint(6, 10)) + rng.sample(FAMILY_TERMS[family], 2)
        words.append(rng.choice(NUMBERS))
        rng.shuffle(words)
        sents.append(" ".join(words) + " .")
    return " ".join(sents)


def build_corpus(cfg):
    rng = random.Random(cfg["seed"])
    texts, labels = [], []
    for i in range(cfg["n_abstracts"]):
        family = LABELS[i % len(LABELS)]
        texts.append(make_abstract(rng, family, review=(i % 23 == 0)))
        labels.append(LABELS.index(family))
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[j] for j in order], [labels[j] for j in order]


def write_vocab(path, texts):
    words = sorted({w for t in texts for w in t.split()})
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")
    return len(special) + len(words)


def encode(tokenizer, texts, labels):
    enc = tokenizer(texts, padding=True, truncation=True, max_length=CFG["max_len"], return_tensors="pt")
    return TensorDataset(enc["input_ids"], enc["attention_mask"], torch.tensor(labels))


def build_model(cfg, vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg["max_len"],
        num_labels=len(LABELS),
    )
    return BertForSequenceClassification(config)


def main():
    torch.manual_seed(CFG["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    texts, labels = build_corpus(CFG)
    vocab_file = os.path.join(here, CFG["vocab_path"])
    vocab_size = write_vocab(vocab_file, texts)
    tokenizer = BertTokenizer(vocab_file)

    split = int(0.8 * len(texts))
    train_ds = encode(tokenizer, texts[:split], labels[:split])
    val_ds = encode(tokenizer, texts[split:], labels[split:])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"])

    model = build_model(CFG, vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        model.train()
        for input_ids, attention_mask, y in train_dl:
            out = model(input_ids=input_ids, attention_mask=attention_mask, labels=y)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for input_ids, attention_mask, y in val_dl:
                logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
                correct += (logits.argmax(-1) == y).sum().item()
        print(f"epoch {epoch}: last loss {out.loss.item():.3f}  val acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
