"""Route railway track inspection notes to the right maintenance gang.

Notes and the fault taxonomy live in a small sqlite database (here built in
memory); we fine-tune a tiny BERT classifier with the HF Trainer."""
import os
import re
import sqlite3
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

set_seed(11)

FAULT_CLASSES = [(0, "rail_wear"), (1, "ballast_fouling"), (2, "signal_cable"), (3, "fishplate"), (4, "drainage")]

NOTES = [
    ("train", "side wear on high rail of curve measured over limit", 0),
    ("train", "gauge face wear heavy at switch toe", 0),
    ("train", "mud pumping through ballast at sleeper ends", 1),
    ("train", "ballast shoulder fouled with fines after wet week", 1),
    ("train", "fishplate bolts loose at joint near crossing", 3),
    ("train", "cracked fishplate found on down line", 3),
    ("train", "standing water in cess blocked culvert", 4),
    ("train", "drain outfall silted water over sleepers", 4),
    ("eval", "cable trough lid broken signal cable exposed", 2),
    ("eval", "rail head wear on low leg of curve", 0),
    ("eval", "water ponding at toe of cutting drain blocked", 4),
    ("eval", "fouled ballast and wet spots at joint", 1),
]


def make_db():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE faults (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, split TEXT, body TEXT, fault_id INTEGER)")
    db.executemany("INSERT INTO faults VALUES (?, ?)", FAULT_CLASSES)
    db.executemany("INSERT INTO notes (split, body, fault_id) VALUES (?, ?, ?)", NOTES)
    db.commit()
    return db


def write_vocab(db, folder):
    words = set()
    for (body,) in db.execute("SELECT body FROM notes"):
        words.update(re.findall(r"\w+", body.lower()))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


class NotesDataset(Dataset):
    """Encodes every note of one split up front, padded by hand to a fixed width."""

    def __init__(self, db, split, tokenizer, width=24):
        self.rows = []
        for body, fault_id in db.execute("SELECT body, fault_id FROM notes WHERE split = ? ORDER BY id", (split,)):
            ids = tokenizer.encode(body, truncation=True, max_length=width)
            pad = width - len(ids)
            self.rows.append({
                "input_ids": torch.tensor(ids + [tokenizer.pad_token_id] * pad),
                "attention_mask": torch.tensor([1] * len(ids) + [0] * pad),
                "labels": torch.tensor(fault_id),
            })

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def main():
    db = make_db()
    workdir = tempfile.mkdtemp(prefix="track_faults_")
    tokenizer = BertTokenizer(write_vocab(db, workdir))

    n_classes = db.execute("SELECT COUNT(DISTINCT fault_id) FROM notes WHERE split = 'train'").fetchone()[0]
    id2name = dict(db.execute("SELECT id, name FROM faults ORDER BY id").fetchall())
    print(f"{n_classes} fault classes in training notes; taxonomy: {id2name}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=n_classes)
    model = BertForSequenceClassification(config)

    train_ds = NotesDataset(db, "train", tokenizer)
    eval_ds = NotesDataset(db, "eval", tokenizer)
    print(f"train={len(train_ds)} eval={len(eval_ds)}")

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=4,
                             learning_rate=5e-4, save_strategy="no", logging_steps=1,
                             use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss:", round(metrics["eval_loss"], 4))

    with torch.no_grad():
        batch = eval_ds[0]
        logits = model(input_ids=batch["input_ids"][None], attention_mask=batch["attention_mask"][None]).logits
    print("first eval note ->", id2name.get(int(logits.argmax(-1)), "?"))


if __name__ == "__main__":
    main()
