"""Electrolyte literature mining: does a claim sentence hold for a given formulation?

Pairs (formulation string, property claim) extracted from battery papers are
scored with a small BERT-style cross-encoder trained from scratch on our own
domain vocabulary.
"""
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "electrolyte_vocab.txt")

SALTS = ["lipf6", "lifsi", "litfsi", "libf4", "liodfb"]
SOLVENTS = ["ec", "emc", "dmc", "dec", "pc", "fec", "dme", "dol"]
ADDITIVES = ["vc", "fec", "les", "ps", "tmsp", "libob", "none"]
PROPERTIES = ["capacity", "retention", "impedance", "gassing", "sei", "plating", "conductivity"]
CONDITIONS = ["at", "45", "25", "60", "-20", "c", "after", "500", "1000", "cycles", "high", "voltage", "4.4", "v"]
GLUE = ["m", "in", "with", "wt", "%", ":", "1", "2", "3", "7", "0.5", "1.0", "1.2", "improved", "reduced",
        "suppressed", "increased", "stable", "the", "and", "of"]

ENCODER_CFG = dict(
    hidden_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=128,
    max_position_embeddings=96,
    type_vocab_size=1,
    hidden_dropout_prob=0.1,
    attention_probs_dropout_prob=0.1,
    num_labels=2,
)
TRAIN_CFG = dict(batch_size=16, lr=3e-4, epochs=2, max_len=64, n_pairs=160)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = []
    for w in SALTS + SOLVENTS + ADDITIVES + PROPERTIES + CONDITIONS + GLUE:
        if w not in words:
            words.append(w)
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return len(specials) + len(words)


def make_formulation():
    salt = random.choice(SALTS)
    conc = random.choice(["0.5", "1.0", "1.2"])
    s1, s2 = random.sample(SOLVENTS, 2)
    ratio = random.choice(["3 : 7", "1 : 1", "1 : 2"])
    add = random.choice(ADDITIVES)
    text = f"{conc} m {salt} in {s1} : {s2} {ratio}"
    if add != "none":
        text += f" with {random.choice(['1', '2'])} wt % {add}"
    return text, add


def make_claim(additive):
    prop = random.choice(PROPERTIES)
    verb = random.choice(["improved", "reduced", "suppressed", "increased"])
    cond = random.choice(["at 45 c", "at -20 c", "after 500 cycles", "at high voltage 4.4 v"])
    claim = f"{verb} {prop} {cond}"
    supported = int(additive in ("vc", "fec", "libob") and verb in ("improved", "suppressed"))
    return claim, supported


def build_pairs(n):
    pairs = []
    for _ in range(n):
        form, add = make_formulation()
        claim, y = make_claim(add)
        pairs.append((form, claim, y))
    return pairs


def encode_pairs(tokenizer, pairs, max_len):
    forms = [p[0] for p in pairs]
    claims = [p[1] for p in pairs]
    enc = tokenizer(forms, claims, padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([p[2] for p in pairs], dtype=torch.long)
    return enc


class PairDataset(torch.utils.data.Dataset):
    def __init__(self, enc):
        self.enc = enc

    def __len__(self):
        return self.enc["input_ids"].shape[0]

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.enc.items()}


def main():
    vocab_size = write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    pairs = build_pairs(TRAIN_CFG["n_pairs"])
    enc = encode_pairs(tokenizer, pairs, TRAIN_CFG["max_len"])
    loader = DataLoader(PairDataset(enc), batch_size=TRAIN_CFG["batch_size"], shuffle=True)

    config = BertConfig(vocab_size=vocab_size, pad_token_id=tokenizer.pad_token_id, **ENCODER_CFG)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    print(f"vocab={vocab_size} pairs={len(pairs)} pos_rate={enc['labels'].float().mean():.2f}")
    model.train()
    for epoch in range(TRAIN_CFG["epochs"]):
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item() * batch["labels"].shape[0]
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += batch["labels"].shape[0]
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")


if __name__ == "__main__":
    main()
