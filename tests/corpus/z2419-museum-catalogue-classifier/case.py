"""Assign object-type terms to legacy museum catalogue entries.

Old accession-register descriptions are free text; we fine-tune a tiny BERT to
map them onto the object-type thesaurus so the collections database can be
back-filled.  Catalogue entries are synthesised here from templates.
"""
import argparse
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

OBJECT_TYPES = {
    "coin": ["denarius", "silver", "obverse", "reverse", "laureate", "bust", "mint", "struck", "worn", "legend"],
    "vessel": ["jar", "rim", "handle", "glaze", "sherd", "base", "wheel", "thrown", "slip", "decorated"],
    "textile": ["linen", "wool", "woven", "fragment", "embroidered", "border", "dyed", "tabby", "thread", "fringe"],
    "weapon": ["blade", "iron", "sword", "hilt", "tang", "spearhead", "socket", "corroded", "edge", "point"],
    "manuscript": ["vellum", "folio", "ink", "script", "leaf", "illuminated", "initial", "rubric", "binding", "gilt"],
}
FILLER = ["acquired", "from", "the", "collection", "of", "donated", "by", "found", "at", "near", "excavated",
          "condition", "good", "poor", "repaired", "provenance", "unknown", "with", "label", "old", "number", "and"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-records", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--max-lr", type=float, default=2e-3)
    p.add_argument("--max-len", type=int, default=48)
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--seed", type=int, default=5)
    return p.parse_args([])


def synth_catalogue(n, rng):
    types = list(OBJECT_TYPES)
    records = []
    for i in range(n):
        t = rng.choice(types)
        words = rng.sample(OBJECT_TYPES[t], 4) + rng.sample(FILLER, rng.randint(4, 10))
        rng.shuffle(words)
        records.append({"accession": f"1893.{i:03d}", "description": " ".join(words), "object_type": t})
    return records


def write_vocab(records, path):
    words = sorted({w for r in records for w in r["description"].split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


class CatalogueDataset(Dataset):
    def __init__(self, records, tokenizer, label2id, max_len):
        self.enc = tokenizer([r["description"] for r in records], padding="max_length",
                             truncation=True, max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor([label2id[r["object_type"]] for r in records])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            logits = model(**batch).logits
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
            total += batch["labels"].numel()
    return correct / total


def main():
    args = get_args()
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    records = synth_catalogue(args.n_records + 30, rng)
    train_recs, val_recs = records[: args.n_records], records[args.n_records:]
    vocab_path = os.path.join(HERE, "catalogue_vocab.txt")
    write_vocab(records, vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    label2id = {t: i for i, t in enumerate(OBJECT_TYPES)}
    id2label = {i: t for t, i in label2id.items()}
    train_ds = CatalogueDataset(train_recs, tokenizer, label2id, args.max_len)
    val_ds = CatalogueDataset(val_recs, tokenizer, label2id, args.max_len)
    train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=args.batch_size)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=args.hidden, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=args.hidden * 2,
                        max_position_embeddings=64, num_labels=len(label2id),
                        id2label=id2label, label2id=label2id)
    model = BertForSequenceClassification(config)

    optimizer = torch.optim.AdamW(model.parameters(), lr=args.max_lr / 25, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=args.max_lr,
        epochs=args.epochs,
        steps_per_epoch=len(train_ds) // args.batch_size,
        pct_start=0.3,
    )

    for epoch in range(args.epochs):
        model.train()
        losses = []
        for batch in train_loader:
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(out.loss.item())
        val_acc = evaluate(model, val_loader)
        print(f"epoch {epoch+1}: loss {np.mean(losses):.3f}  val acc {val_acc:.2f}  "
              f"lr {scheduler.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main()
