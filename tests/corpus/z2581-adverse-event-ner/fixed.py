"""Span tagging of drug / adverse-reaction mentions in free-text ADE reports.

Pipeline: synthetic MedWatch-style narratives -> word-level BIO tags ->
WordPiece tokenizer built from a local vocab -> small BERT token classifier.
"""
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "seed": 13,
    "n_reports": 160,
    "max_len": 40,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
}

TAGS = ["O", "B-DRUG", "I-DRUG", "B-ADR", "I-ADR"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

DRUGS = [["warfarin"], ["metformin"], ["amoxicillin", "clavulanate"], ["lisinopril"],
         ["atorvastatin"], ["ibuprofen"], ["sertraline"]]
ADRS = [["nausea"], ["rash"], ["angioedema"], ["muscle", "pain"], ["gi", "bleeding"],
        ["lactic", "acidosis"], ["dizziness"]]
OPENERS = [["patient", "started"], ["pt", "was", "given"], ["after", "taking"]]
LINKERS = [["and", "developed"], ["then", "reported"], ["and", "presented", "with"]]
CLOSERS = [["within", "days"], ["resolved", "on", "discontinuation"], ["hospitalized"], []]


def make_report(rng):
    words, tags = [], []

    def add(chunk, label=None):
        for j, w in enumerate(chunk):
            words.append(w)
            if label is None:
                tags.append("O")
            else:
                tags.append(("B-" if j == 0 else "I-") + label)

    add(rng.choice(OPENERS))
    add(rng.choice(DRUGS), "DRUG")
    add(rng.choice(LINKERS))
    add(rng.choice(ADRS), "ADR")
    if rng.random() < 0.4:
        add(["and"])
        add(rng.choice(ADRS), "ADR")
    add(rng.choice(CLOSERS))
    return words, tags


def write_vocab(path):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for chunk in OPENERS + LINKERS + CLOSERS + ADRS:
        pieces.extend(chunk)
    pieces += ["war", "##far", "##in", "met", "##formin", "amox", "##icillin", "clav",
               "##ulanate", "lis", "##ino", "##pril", "ator", "##va", "##statin",
               "ibu", "##profen", "sert", "##raline"]
    seen, uniq = set(), []
    for p in pieces:
        if p not in seen:
            seen.add(p)
            uniq.append(p)
    with open(path, "w") as fh:
        fh.write("\n".join(uniq) + "\n")
    return len(uniq)


class AdeReportDataset(Dataset):
    def __init__(self, reports):
        self.reports = reports

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, idx):
        words, tags = self.reports[idx]
        return {"words": words, "tag_ids": [TAG2ID[t] for t in tags]}


def make_collate(tokenizer, max_len):
    def collate(batch):
        words = [b["words"] for b in batch]
        enc = tokenizer(words, is_split_into_words=True, padding="max_length",
                        truncation=True, max_length=max_len, return_tensors="pt")
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for i, b in enumerate(batch):
            prev = None
            for pos, wid in enumerate(enc.word_ids(i)):
                if wid is not None and wid != prev:
                    labels[i, pos] = b["tag_ids"][wid]
                prev = wid
        enc["labels"] = labels
        return enc
    return collate


def main():
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    rng = random.Random(CFG["seed"])

    vocab_path = os.path.join(HERE, "ade_vocab.txt")
    vocab_size = write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    reports = [make_report(rng) for _ in range(CFG["n_reports"])]
    loader = DataLoader(AdeReportDataset(reports), batch_size=CFG["batch_size"],
                        shuffle=True, collate_fn=make_collate(tokenizer, CFG["max_len"]))

    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(TAGS),
                        id2label=dict(enumerate(TAGS)), label2id=TAG2ID)
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    model.train()
    for epoch in range(CFG["epochs"]):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
