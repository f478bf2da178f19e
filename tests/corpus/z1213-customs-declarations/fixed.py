"""Suggest a tariff chapter for customs declarations.

Each declaration has two free-text fields (goods description, declarant
remarks) kept as separate rows in sqlite. We pack them as a BERT sentence
pair and train a tiny classifier with Accelerate."""
import functools
import os
import re
import sqlite3
import tempfile

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(3)

CHAPTERS = ["ch09_coffee_tea_spices", "ch44_wood", "ch61_knitted_apparel", "ch85_electrical"]
DECLARATIONS = [
    ("roasted coffee beans in jute sacks", "sample lot for cupping", 0),
    ("green tea leaves loose", "organic certificate attached", 0),
    ("black pepper whole dried", "fumigated at origin", 0),
    ("sawn oak planks kiln dried", "fsc certified timber", 1),
    ("plywood sheets birch", "phytosanitary not required", 1),
    ("knitted cotton t shirts", "retail packed with hang tags", 2),
    ("wool pullovers knitted", "mixed sizes one carton", 2),
    ("lithium battery chargers", "ce marked units", 3),
    ("copper wire insulated coils", "for switchgear assembly", 3),
    ("led lamps with drivers", "returned under warranty", 3),
]


def load_database():
    con = sqlite3.connect(":memory:")
    con.executescript("""
        CREATE TABLE chapters (id INTEGER PRIMARY KEY, code TEXT);
        CREATE TABLE fields (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
        CREATE TABLE declarations (id INTEGER PRIMARY KEY, chapter_id INTEGER);
        CREATE TABLE parts (decl_id INTEGER, field_id INTEGER, text TEXT);
    """)
    con.executemany("INSERT INTO chapters VALUES (?, ?)", list(enumerate(CHAPTERS)))
    con.executemany("INSERT INTO fields (name) VALUES (?)", [("goods_description",), ("declarant_remarks",)])
    con.executemany("INSERT INTO declarations VALUES (?, ?)", [(i, ch) for i, (_, _, ch) in enumerate(DECLARATIONS)])
    parts = []
    for i, (goods, remarks, _) in enumerate(DECLARATIONS):
        parts += [(i, 1, goods), (i, 2, remarks)]
    con.executemany("INSERT INTO parts VALUES (?, ?, ?)", parts)
    con.commit()
    return con


def build_tokenizer(con, folder):
    words = sorted({w for (t,) in con.execute("SELECT text FROM parts") for w in re.findall(r"\w+", t.lower())})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def iter_declarations(con, tokenizer):
    """Yield (token ids, segment ids, chapter) for each declaration, one segment per field."""
    field_order = con.execute("SELECT id, name FROM fields ORDER BY id").fetchall()
    for decl_id, chapter in con.execute("SELECT id, chapter_id FROM declarations ORDER BY id"):
        texts = dict(con.execute("SELECT field_id, text FROM parts WHERE decl_id = ?", (decl_id,)))
        ids, segs = [tokenizer.cls_token_id], [0]
        for segment, (field_id, _name) in enumerate(field_order):
            piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(texts[field_id])) + [tokenizer.sep_token_id]
            ids += piece
            segs += [segment] * len(piece)
        yield ids, segs, chapter


def collate(rows, pad_id):
    width = max(len(ids) for ids, _, _ in rows)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": [], "labels": []}
    for ids, segs, chapter in rows:
        gap = width - len(ids)
        out["input_ids"].append(ids + [pad_id] * gap)
        out["token_type_ids"].append(segs + [0] * gap)
        out["attention_mask"].append([1] * len(ids) + [0] * gap)
        out["labels"].append(chapter)
    return {k: torch.tensor(v) for k, v in out.items()}


def main():
    accelerator = Accelerator(cpu=True)
    con = load_database()
    tokenizer = build_tokenizer(con, tempfile.mkdtemp(prefix="customs_"))
    n_chapters = con.execute("SELECT COUNT(*) FROM chapters").fetchone()[0]

    examples = list(iter_declarations(con, tokenizer))
    accelerator.print(f"{len(examples)} declarations, {n_chapters} chapters, vocab {tokenizer.vocab_size}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=48,
                        num_labels=n_chapters)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(examples, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, pad_id=tokenizer.pad_token_id))
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

    accelerator.wait_for_everyone()
    accelerator.print("done")


if __name__ == "__main__":
    main()
