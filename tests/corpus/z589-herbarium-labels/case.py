"""Tag fields on digitised herbarium specimen labels (collector, taxon, locality, date).

The transcriptions are already split into words by the OCR post-processor and
each word carries a field tag; we train a token classifier with a plain
Accelerate loop so it can later run on the cluster unchanged.
"""
import os
import random
import string
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

FIELDS = ["O", "COLLECTOR", "TAXON", "LOCALITY", "DATE"]
FIELD_ID = {name: i for i, name in enumerate(FIELDS)}

# (words, per-word field)
LABELS = [
    ("coll . j . smith quercus robur near river bank 1923".split(),
     ["O", "O", "COLLECTOR", "COLLECTOR", "COLLECTOR", "TAXON", "TAXON", "LOCALITY", "LOCALITY", "LOCALITY", "DATE"]),
    ("salix alba , marsh edge by old mill , leg . brown 1911".split(),
     ["TAXON", "TAXON", "O", "LOCALITY", "LOCALITY", "LOCALITY", "LOCALITY", "LOCALITY", "O", "O", "O", "COLLECTOR", "DATE"]),
    ("betula pendula heath above village 1898 coll . green".split(),
     ["TAXON", "TAXON", "LOCALITY", "LOCALITY", "LOCALITY", "DATE", "O", "O", "COLLECTOR"]),
    ("leg . a . white fagus sylvatica chalk slope 1934".split(),
     ["O", "O", "COLLECTOR", "COLLECTOR", "COLLECTOR", "TAXON", "TAXON", "LOCALITY", "LOCALITY", "DATE"]),
    ("ulmus minor hedgerow near church 1907 leg . black".split(),
     ["TAXON", "TAXON", "LOCALITY", "LOCALITY", "LOCALITY", "DATE", "O", "O", "COLLECTOR"]),
    ("coll . grey acer campestre by the river 1952".split(),
     ["O", "O", "COLLECTOR", "TAXON", "TAXON", "LOCALITY", "LOCALITY", "LOCALITY", "DATE"]),
]

# common words get their own entry, rarer ones (latin names, surnames) fall back to pieces
COMMON = ["coll", "leg", "near", "river", "by", "the", "old", "mill", "bank", "marsh", "edge",
          "above", "village", "church", "slope", "chalk", "heath", ".", ","]


def write_vocab(workdir):
    letters = list(string.ascii_lowercase) + list(string.digits)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + COMMON + letters + ["##" + c for c in letters]
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def encode_record(tokenizer, words, fields):
    enc = tokenizer(words, is_split_into_words=True)
    # CLS and SEP are not scored
    tag_ids = [-100] + [FIELD_ID[f] for f in fields] + [-100]
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "tag_ids": tag_ids}


def pad_to(seqs, value):
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (width - len(s)) for s in seqs], dtype=torch.long)


def collate(records, pad_id):
    return {
        "input_ids": pad_to([r["input_ids"] for r in records], pad_id),
        "attention_mask": pad_to([r["attention_mask"] for r in records], 0),
        "labels": pad_to([r["tag_ids"] for r in records], -100),
    }


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp(prefix="herbarium_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    records = [encode_record(tokenizer, w, f) for w, f in LABELS]
    accelerator.print(f"{len(records)} labels, vocab {tokenizer.vocab_size}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(FIELDS))
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(records, batch_size=3, shuffle=True,
                        collate_fn=partial(collate, pad_id=tokenizer.pad_token_id))

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("training finished")


if __name__ == "__main__":
    main()
