# Triage of apiary inspection notes into the current disease/condition categories.
# Category table is shared with the inspectorate's case system; retired categories stay in
# the table with active = 0 so old cases still resolve.
import functools
import os
import sqlite3
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

CATEGORIES = [("varroa", 1), ("sacbrood", 0), ("american foulbrood", 1), ("european foulbrood", 1),
              ("paralysis virus", 0), ("chalkbrood", 1), ("queenless", 1), ("wax moth", 1)]
NOTES = [
    ("mites visible on drone brood deformed wings", 1), ("high mite drop on board after treatment", 1),
    ("ropey larvae matchstick test positive sunken cappings", 3), ("scale in cells foul smell", 3),
    ("twisted larvae melted appearance sour smell", 4), ("yellow larvae displaced in cells", 4),
    ("mummified larvae white and grey chalky", 6), ("chalky mummies at hive entrance", 6),
    ("no eggs no young larvae colony roaring", 7), ("laying workers multiple eggs per cell", 7),
    ("webbing and tunnels through comb", 8), ("moth larvae in stored frames", 8),
    ("mites on adult bees crawling", 1), ("perforated cappings ropey string", 3),
    ("chalk mummies on floor", 6), ("no queen seen emergency cells", 7),
]


def category_db():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT, active INTEGER)")
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, category_id INTEGER)")
    con.executemany("INSERT INTO categories (name, active) VALUES (?, ?)", CATEGORIES)
    con.executemany("INSERT INTO notes (body, category_id) VALUES (?, ?)", NOTES)
    con.commit()
    return con


def write_vocab(con, folder):
    words = set()
    for (body,) in con.execute("SELECT body FROM notes"):
        words.update(body.split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(words)]) + "\n")
    return path


def collate(rows, tokenizer, width):
    bodies, targets = zip(*rows)
    enc = tokenizer(list(bodies), padding="max_length", truncation=True, max_length=width,
                    return_tensors="pt")
    enc["labels"] = torch.tensor(targets)
    return dict(enc)


def class_weights(con, n_classes):
    counts = torch.zeros(n_classes)
    for cat_id, n in con.execute(
        "SELECT category_id, COUNT(*) FROM notes GROUP BY category_id ORDER BY category_id"
    ):
        counts[cat_id] += n
    return counts.sum() / (n_classes * counts.clamp(min=1))


def main():
    acc = Accelerator(cpu=True)
    con = category_db()
    active = con.execute("SELECT id, name FROM categories WHERE active = 1 ORDER BY id").fetchall()
    cls_of = {cat_id: k for k, (cat_id, _) in enumerate(active)}
    n_classes = len(active)
    (max_words,) = con.execute(
        "SELECT MAX(LENGTH(body) - LENGTH(REPLACE(body, ' ', '')) + 1) FROM notes").fetchone()
    acc.print(f"{n_classes} active categories: {[name for _, name in active]}")

    tokenizer = BertTokenizer(write_vocab(con, tempfile.mkdtemp()))
    rows = [(body, cls_of[cid]) for body, cid in
            con.execute("SELECT body, category_id FROM notes ORDER BY id")]
    loader = DataLoader(rows, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tokenizer, width=max_words + 2))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=n_classes)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weights(con, n_classes))
    model, optimizer, loader = acc.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for batch in loader:
            gold = batch.pop("labels")
            out = model(**batch)
            loss = loss_fn(out.logits, gold)
            acc.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        acc.print(f"epoch {epoch} mean loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
