"""Tag defect types and wafer locations in AOI operator review notes.

Operators at the automated optical inspection station write short free-text
notes when they review flagged wafers ("scratch near notch on slot 12 ...").
We train a tiny BERT token tagger to pull out DEFECT and LOC spans so the notes
can be joined to the defect map database.
"""
import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "aoi_vocab.txt")

TAGS = ["O", "B-DEFECT", "I-DEFECT", "B-LOC", "I-LOC"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

DEFECTS = [["scratch"], ["scratches"], ["particle"], ["particles"], ["residue"],
           ["pattern", "collapse"], ["edge", "chipping"], ["bridging"], ["stains"]]
LOCS = [["notch"], ["center"], ["edge"], ["flat"], ["quadrant", "three"], ["outer", "ring"]]
FILLER_PRE = [["found"], ["operator", "saw"], ["review", "shows"], ["confirmed"]]
FILLER_MID = [["near"], ["at"], ["around"], ["close", "to"]]
FILLER_POST = [[], ["slot", "12"], ["lot", "rework"], ["recheck", "after", "clean"]]

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
              "scratch", "particle", "residue", "pattern", "collapse", "edge", "chip",
              "bridg", "stain", "notch", "center", "flat", "quadrant", "three", "outer",
              "ring", "found", "operator", "saw", "review", "shows", "confirm", "near",
              "at", "around", "close", "to", "slot", "lot", "rework", "recheck", "after",
              "clean", "1", "2", "##es", "##s", "##ping", "##ing", "##ed", "##2", "##1"]

CFG = dict(n_notes=160, batch_size=16, epochs=2, lr=5e-4, hidden=32, seed=3)


def write_vocab(path):
    with open(path, "w") as f:
        f.write("\n".join(BASE_VOCAB) + "\n")


def synth_note(rng):
    words, tags = [], []

    def add(span, label=None):
        for k, w in enumerate(span):
            words.append(w)
            if label is None:
                tags.append("O")
            else:
                tags.append(("B-" if k == 0 else "I-") + label)

    add(rng.choice(FILLER_PRE))
    add(rng.choice(DEFECTS), "DEFECT")
    add(rng.choice(FILLER_MID))
    add(rng.choice(LOCS), "LOC")
    add(rng.choice(FILLER_POST))
    return words, [TAG2ID[t] for t in tags]


class NoteCollator:
    def __init__(self, tokenizer, max_length=48):
        self.tok = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        words = [b[0] for b in batch]
        tags = [b[1] for b in batch]
        enc = self.tok(words, is_split_into_words=True, padding=True, truncation=True,
                       max_length=self.max_length, return_tensors="pt")
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for i, t in enumerate(tags):
            prev = None
            for j, w in enumerate(enc.word_ids(i)):
                if w is not None and w != prev:
                    labels[i, j] = t[w]
                prev = w
        enc["labels"] = labels
        return enc


def build_model(tokenizer, hidden):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=hidden, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=2 * hidden, max_position_embeddings=64,
        num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=TAG2ID,
    )
    return BertForTokenClassification(config)


def main(cfg):
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    notes = [synth_note(random) for _ in range(cfg["n_notes"])]
    split = int(0.85 * len(notes))
    collate = NoteCollator(tokenizer)
    train_dl = DataLoader(notes[:split], batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    val_dl = DataLoader(notes[split:], batch_size=cfg["batch_size"], collate_fn=collate)

    model = build_model(tokenizer, cfg["hidden"])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])

    for epoch in range(cfg["epochs"]):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            if step % 4 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")

        model.eval()
        hit = tot = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
                keep = batch["labels"] != -100
                hit += (pred[keep] == batch["labels"][keep]).sum().item()
                tot += keep.sum().item()
        print(f"epoch {epoch} val token acc {hit / max(tot, 1):.3f}")


if __name__ == "__main__":
    main(CFG)
