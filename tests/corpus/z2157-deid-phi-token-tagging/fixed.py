import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "deid_vocab.txt")

PHI_TAGS = ["O", "B-NAME", "I-NAME", "B-DATE", "B-HOSPITAL", "I-HOSPITAL", "B-MRN"]
TAG2ID = {t: i for i, t in enumerate(PHI_TAGS)}

FIRST = ["john", "maria", "wei", "olusegun", "katherine"]
LAST = ["smith", "gonzalez", "nakamura", "okafor", "fitzgerald"]
HOSP = [["st", "mary", "medical", "center"], ["mercy", "general"], ["lakeside", "hospital"]]
FILLER = ["patient", "was", "admitted", "with", "chest", "pain", "and", "discharged",
          "home", "on", "seen", "by", "dr", "at", "mrn", "follow", "up", "in", "clinic", "."]


def write_vocab(path):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "/", "-", ".", ":"]
    pieces += FILLER + ["to", "john", "maria", "wei", "smith", "st", "mary", "medical", "center",
                        "mercy", "general", "lake", "##side", "hospital"]
    pieces += ["olu", "##se", "##gun", "kath", "##er", "##ine", "gonz", "##alez",
               "naka", "##mura", "oka", "##for", "fitz", "##gerald"]
    pieces += [str(d) for d in range(10)] + ["##" + str(d) for d in range(10)]
    pieces += [f"{d:02d}" for d in range(1, 32)] + ["2019", "2020", "2021", "2022"]
    with open(path, "w") as f:
        f.write("\n".join(dict.fromkeys(pieces)) + "\n")


def make_note():
    words, tags = [], []

    def add(ws, label):
        for j, w in enumerate(ws):
            words.append(w)
            if label == "O":
                tags.append("O")
            elif label in ("DATE", "MRN"):
                tags.append("B-" + label)
            else:
                tags.append(("B-" if j == 0 else "I-") + label)

    add(["patient"], "O")
    add([random.choice(FIRST), random.choice(LAST)], "NAME")
    add(["was", "admitted", "to"], "O")
    add(random.choice(HOSP), "HOSPITAL")
    add(["on"], "O")
    add([f"{random.randint(1, 12):02d}/{random.randint(1, 28):02d}/{random.choice([2019, 2020, 2021])}"], "DATE")
    add(["mrn", ":"], "O")
    add([str(random.randint(100000, 999999))], "MRN")
    add(random.sample(FILLER, random.randint(2, 6)), "O")
    return words, [TAG2ID[t] for t in tags]


class DeidNotes(Dataset):
    def __init__(self, n):
        self.rows = [make_note() for _ in range(n)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, tag_ids = self.rows[i]
        return {"words": words, "tags": tag_ids}


class DeidCollator:
    def __init__(self, tokenizer, max_length=64):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        enc = self.tokenizer([b["words"] for b in batch], is_split_into_words=True,
                             padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="pt")
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for i, b in enumerate(batch):
            prev = None
            for t, w in enumerate(enc.word_ids(i)):
                if w is not None and w != prev:
                    labels[i, t] = b["tags"][w]
                prev = w
        enc["labels"] = labels
        return enc


def train(model, loader, epochs=2, lr=5e-4):
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} | mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(PHI_TAGS), id2label=dict(enumerate(PHI_TAGS)),
                        label2id=TAG2ID)
    model = BertForTokenClassification(config)

    train_ds = DeidNotes(48)
    loader = DataLoader(train_ds, batch_size=8, shuffle=True, collate_fn=DeidCollator(tokenizer))
    sample = train_ds[0]
    print(" ".join(sample["words"]))
    print(tokenizer.tokenize(" ".join(sample["words"])))
    train(model, loader)
