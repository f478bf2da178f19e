"""Date excavation finds (Bronze / Iron / Roman / Medieval) from the field description.

Training rows come straight from the finds register; the test report also lists the
specialist who signed each find off, so it can be forwarded to the finds officer.
"""
import os
import sqlite3
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(11)

PERIODS = ["bronze age", "iron age", "roman", "medieval"]
FINDS = [  # description, period id, split
    ("socketed axe head with loop green patina", 1, "train"),
    ("barbed and tanged arrowhead flint", 1, "train"),
    ("cremation urn with cord impressed collar", 1, "train"),
    ("la tene brooch with spring coil", 2, "train"),
    ("beehive quern upper stone", 2, "train"),
    ("iron sword scabbard chape", 2, "train"),
    ("samian ware bowl sherd stamped", 3, "train"),
    ("hypocaust tile with combed keying", 3, "train"),
    ("coin of constantine bronze worn", 3, "train"),
    ("glazed jug handle green splashed", 4, "train"),
    ("horseshoe with wavy edge nail holes", 4, "train"),
    ("pilgrim ampulla lead scallop", 4, "train"),
    ("palstave with stop ridge", 1, "test"),
    ("collared urn rim sherd", 1, "test"),
    ("glass bead blue with yellow spiral", 2, "test"),
    ("iron spearhead socket", 2, "test"),
    ("mortarium sherd with grit", 3, "test"),
    ("box flue tile fragment combed", 3, "test"),
    ("jug sherd green glazed", 4, "test"),
    ("lead ampulla fragment", 4, "test"),
    ("strap end with ring and dot", 4, "test"),
]
SIGNOFFS = [(13, "Okafor"), (14, "Okafor"), (14, "Lindqvist"), (15, "Brennan"), (16, "Brennan"),
            (17, "Lindqvist"), (17, "Okafor"), (18, "Lindqvist"), (19, "Brennan"),
            (20, "Okafor"), (20, "Brennan"), (21, "Lindqvist")]


def open_register():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE periods (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("CREATE TABLE finds (id INTEGER PRIMARY KEY, description TEXT, period_id INTEGER, split TEXT)")
    con.execute("CREATE TABLE signoffs (id INTEGER PRIMARY KEY, find_id INTEGER, specialist TEXT)")
    con.executemany("INSERT INTO periods (name) VALUES (?)", [(p,) for p in PERIODS])
    con.executemany("INSERT INTO finds (description, period_id, split) VALUES (?, ?, ?)", FINDS)
    con.executemany("INSERT INTO signoffs (find_id, specialist) VALUES (?, ?)", SIGNOFFS)
    con.commit()
    return con


class FindsDataset(Dataset):
    def __init__(self, texts, tok, max_len, targets=None):
        self.enc = tok(texts, padding="max_length", truncation=True, max_length=max_len,
                       return_tensors="pt")
        self.targets = targets

    def __len__(self):
        return self.enc["input_ids"].size(0)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        if self.targets is not None:
            item["labels"] = self.targets[i]
        return item


def main():
    con = open_register()
    period_rows = con.execute("SELECT id, name FROM periods ORDER BY id").fetchall()
    to_class = {pid: k for k, (pid, _) in enumerate(period_rows)}
    (n_classes,) = con.execute("SELECT COUNT(DISTINCT period_id) FROM finds WHERE split = 'train'").fetchone()
    (longest,) = con.execute("SELECT MAX(LENGTH(description)) FROM finds").fetchone()

    workdir = tempfile.mkdtemp()
    words = sorted({w for (d,) in con.execute("SELECT description FROM finds") for w in d.split()})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    max_len = min(longest // 3 + 4, 32)

    train_rows = con.execute(
        "SELECT description, period_id FROM finds WHERE split = 'train' ORDER BY id").fetchall()
    train_ds = FindsDataset([d for d, _ in train_rows], tok, max_len,
                            torch.tensor([to_class[p] for _, p in train_rows]))

    report_rows = con.execute("""
        SELECT f.id, f.description, s.specialist
        FROM finds f JOIN signoffs s ON s.find_id = f.id
        WHERE f.split = 'test'
        ORDER BY f.id
    """).fetchall()
    test_ds = FindsDataset([d for _, d, _ in report_rows], tok, max_len)
    answer_key = torch.tensor([to_class[p] for (p,) in con.execute(
        "SELECT period_id FROM finds WHERE split = 'test' ORDER BY id")])

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=n_classes)
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=3,
                             per_device_train_batch_size=4, per_device_eval_batch_size=8,
                             learning_rate=5e-4, logging_steps=3, report_to="none",
                             save_strategy="no", use_cpu=True, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    trainer.train()

    logits = torch.from_numpy(trainer.predict(test_ds).predictions)
    probs = logits.softmax(-1)
    brier = ((probs - F.one_hot(answer_key, n_classes).float()) ** 2).sum(-1).mean()
    hits = probs.argmax(-1) == answer_key
    print(f"test finds: {len(answer_key)}  accuracy {hits.float().mean():.2f}  brier {brier:.3f}")
    for (fid, desc, who), ok in zip(report_rows, hits.tolist()):
        print(f"  #{fid:<3} {'ok ' if ok else 'BAD'} {desc:<40} signed off by {who}")


if __name__ == "__main__":
    main()
