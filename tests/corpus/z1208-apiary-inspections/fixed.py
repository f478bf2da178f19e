"""Triage apiary inspection notes into a follow-up category.

Inspectors type a free-text note per hive visit; we keep them in a small
sqlite store and fine-tune a tiny BERT to suggest the follow-up bucket.
"""
import os
import random
import sqlite3
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

CATEGORIES = ["routine", "varroa_treatment", "requeen", "swarm_control", "chalkbrood"]

NOTES = [
    ("train", "brood pattern solid capped honey on four frames calm colony", "routine"),
    ("train", "queen seen eggs present stores adequate no action", "routine"),
    ("train", "mite drop high on sticky board deformed wings on bees", "varroa_treatment"),
    ("train", "sugar roll count nine mites per hundred bees", "varroa_treatment"),
    ("train", "no eggs no queen seen emergency cells on frame three", "requeen"),
    ("train", "laying workers multiple eggs per cell drone brood only", "requeen"),
    ("train", "queen cells along bottom bars colony crowded", "swarm_control"),
    ("train", "bees bearding at entrance supers full swarm cells capped", "swarm_control"),
    ("val", "capped brood even queen seen calm on frames", "routine"),
    ("val", "mummified larvae white chalky on landing board", "chalkbrood"),
    ("val", "mite drop rising deformed wings seen", "varroa_treatment"),
    ("val", "queen cells capped colony crowded supers full", "swarm_control"),
]


def build_store():
    con = sqlite3.connect(":memory:")
    cur = con.cursor()
    cur.execute("CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, split TEXT, body TEXT, category_id INTEGER)")
    cur.executemany("INSERT INTO categories (id, name) VALUES (?, ?)", list(enumerate(CATEGORIES)))
    cat_ids = dict(cur.execute("SELECT name, id FROM categories").fetchall())
    cur.executemany(
        "INSERT INTO notes (split, body, category_id) VALUES (?, ?, ?)",
        [(split, body, cat_ids[cat]) for split, body, cat in NOTES],
    )
    con.commit()
    return con


def write_vocab(con):
    words = set()
    for (body,) in con.execute("SELECT body FROM notes"):
        words.update(body.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path, len(tokens)


def fetch_split(con, split):
    rows = con.execute(
        "SELECT body, category_id FROM notes WHERE split = ? ORDER BY id", (split,)
    ).fetchall()
    texts = [r[0] for r in rows]
    targets = torch.tensor([r[1] for r in rows], dtype=torch.long)
    return texts, targets


def main():
    con = build_store()
    vocab_path, vocab_size = write_vocab(con)
    tokenizer = BertTokenizer(vocab_path)

    n_categories = con.execute(
        "SELECT COUNT(*) FROM categories"
    ).fetchone()[0]
    longest = con.execute("SELECT MAX(LENGTH(body)) FROM notes").fetchone()[0]
    print(f"vocab={vocab_size} categories={n_categories} longest note={longest} chars")

    config = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=n_categories,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    train_texts, train_y = fetch_split(con, "train")
    enc = tokenizer(train_texts, padding=True, return_tensors="pt")

    model.train()
    for epoch in range(3):
        idx = list(range(len(train_texts)))
        random.shuffle(idx)
        for start in range(0, len(idx), 4):
            sel = torch.tensor(idx[start:start + 4])
            out = model(
                input_ids=enc["input_ids"][sel],
                attention_mask=enc["attention_mask"][sel],
                labels=train_y[sel],
            )
            out.loss.backward()
            optim.step()
            optim.zero_grad()
        print(f"epoch {epoch} last loss {out.loss.item():.4f}")

    val_texts, val_y = fetch_split(con, "val")
    val_enc = tokenizer(val_texts, padding=True, return_tensors="pt")
    model.eval()
    with torch.no_grad():
        val_out = model(**val_enc, labels=val_y)
    preds = val_out.logits.argmax(-1)
    names = dict(con.execute("SELECT id, name FROM categories ORDER BY id").fetchall())
    for text, p in zip(val_texts, preds.tolist()):
        print(f"{names[p]:>18} <- {text}")
    print(f"val loss {val_out.loss.item():.4f} acc {(preds == val_y).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
