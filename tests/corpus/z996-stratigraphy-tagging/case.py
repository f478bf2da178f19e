"""Replication of the stratigraphic-entity tagger (Sec. 3.2 of the paper).

Excavation context sheets are cast as word-level sequence labelling: each word of a
field note gets one of N_C tags (Eq. 1), and a BERT encoder followed by a linear
head is trained with token-level cross-entropy (Eq. 4).
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 13
L_MAX = 48          # max sentence length after tokenisation (Sec. 4.1)
D_MODEL = 32        # hidden size d (scaled down, Table 5)
K = 1               # number of encoder blocks
ETA = 5e-4          # learning rate eta
B = 4               # minibatch size

TAGS = ["O", "CTX", "ART", "MAT", "PER"]   # tag set T, Sec. 3.2
N_C = len(TAGS)
T2I = {t: i for i, t in enumerate(TAGS)}

# (sentence, tags) pairs transcribed from the trench A context sheets
CORPUS = [
    ("context 104 yielded a bronze fibula of roman date", "O CTX ART O MAT ART O PER O"),
    ("sherds of samian ware were recovered from context 212", "ART O MAT ART O O O O CTX"),
    ("a flint scraper lay beneath context 87", "O MAT ART O O O CTX"),
    ("context 33 contained iron nails and a medieval buckle", "O CTX O MAT ART O O PER ART"),
    ("charcoal flecks in context 19 suggest a neolithic hearth", "MAT O O O CTX O O PER ART"),
    ("a glass bead was sieved from context 140", "O MAT ART O O O O CTX"),
    ("the saxon pit context 61 held bone pins", "O PER ART O CTX O MAT ART"),
    ("context 9 produced a lead spindle whorl", "O CTX O O MAT ART ART"),
]


def set_seed(s):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


def build_tokenizer(sents):
    # closed vocabulary over the corpus, one wordpiece per word
    V = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    V += sorted({w for s in sents for w in s.split()})
    d = tempfile.mkdtemp()
    p = os.path.join(d, "vocab.txt")
    with open(p, "w") as f:
        f.write("\n".join(V) + "\n")
    return BertTokenizer(p)


class ContextSheets(Dataset):
    """Pairs (x, y): x the wordpiece ids of one note, y its tag sequence (Eq. 1)."""

    def __init__(self, rows, tok):
        self.items = []
        for s, t in rows:
            w = s.split()
            enc = tok(w, is_split_into_words=True, truncation=True, max_length=L_MAX)
            y = [T2I[tag] for tag in t.split()]
            self.items.append({"input_ids": enc["input_ids"],
                               "attention_mask": enc["attention_mask"],
                               "labels": y})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(tok):
    def collate(feats):
        x = tok.pad([{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]}
                     for f in feats], return_tensors="pt")
        n = max(len(f["labels"]) for f in feats)
        Y = torch.full((len(feats), n), -100, dtype=torch.long)   # ignored positions, Eq. 4
        for j, f in enumerate(feats):
            Y[j, :len(f["labels"])] = torch.tensor(f["labels"])
        x["labels"] = Y
        return x
    return collate


def main():
    set_seed(SEED)
    tok = build_tokenizer([s for s, _ in CORPUS])
    ds = ContextSheets(CORPUS, tok)
    print(f"|V| = {tok.vocab_size}, |D| = {len(ds)}, N_C = {N_C}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=D_MODEL, num_hidden_layers=K,
                     num_attention_heads=2, intermediate_size=2 * D_MODEL,
                     max_position_embeddings=64, num_labels=N_C)
    f_theta = BertForTokenClassification(cfg)

    out = tempfile.mkdtemp()
    args = TrainingArguments(output_dir=out, per_device_train_batch_size=B, num_train_epochs=2,
                             learning_rate=ETA, logging_steps=2, save_strategy="no",
                             disable_tqdm=True, report_to=[], use_cpu=True, seed=SEED)
    tr = Trainer(model=f_theta, args=args, train_dataset=ds, data_collator=make_collate(tok))
    res = tr.train()
    print(f"final train loss (Eq. 4): {res.training_loss:.4f}")


if __name__ == "__main__":
    main()
