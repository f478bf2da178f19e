"""Triage-note classifier for the clinic intake spreadsheet.

The front desk exports intake notes to CSV; we fine-tune a small BERT on
them so new notes can be routed to the right queue automatically.
"""
import csv
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

COLUMNS = {"text": "note_text", "label": "category", "species": "species"}
LIMITS = {"max_len": 40, "num_categories": 4, "batch_size": 4, "epochs": 2, "lr": 3e-4}

EXPORT = [
    ("dog", "vomiting since last night, lethargic, not eating", "gastro"),
    ("cat", "limping on left hind leg after jumping from shelf", "ortho"),
    ("dog", "itchy ears, head shaking, dark discharge", "derm"),
    ("cat", "hairball episodes, occasional vomiting after meals", "gastro"),
    ("rabbit", "not eating hay, small droppings, hunched posture", "gastro"),
    ("dog", "annual vaccination booster and nail trim", "wellness"),
    ("cat", "hair loss on belly, over grooming", "derm"),
    ("dog", "swollen paw, licking constantly, possible thorn", "ortho"),
    ("cat", "bleeding after fight with neighbour cat, deep bite", "emergency"),
    ("dog", "ate chocolate bar an hour ago, panting", "emergency"),
    ("rabbit", "routine health check before boarding", "wellness"),
    ("dog", "red patches on skin after swimming in lake", "derm"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
    w.strip(",.") for _, note, _ in EXPORT for w in note.split()
))


def write_export(folder):
    path = os.path.join(folder, "intake_export.csv")
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([COLUMNS["species"], COLUMNS["text"], COLUMNS["label"]])
        writer.writerows(EXPORT)
    return path


def read_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def build_tokenizer(folder):
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def make_batches(rows, tokenizer, label_map):
    size = LIMITS["batch_size"]
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        enc = tokenizer(
            [r[COLUMNS["text"]] for r in chunk],
            padding=True,
            truncation=True,
            max_length=LIMITS["max_len"],
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([label_map[r[COLUMNS["label"]]] for r in chunk])
        yield enc


def main():
    workdir = tempfile.mkdtemp(prefix="triage_")
    rows = read_rows(write_export(workdir))
    print(f"loaded {len(rows)} intake notes")

    label_map = {name: i for i, name in enumerate(sorted({r[COLUMNS["label"]] for r in rows}))}
    print("queues:", label_map)

    tokenizer = build_tokenizer(workdir)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(label_map),
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=LIMITS["lr"])

    model.train()
    for epoch in range(LIMITS["epochs"]):
        running = 0.0
        for step, batch in enumerate(make_batches(rows, tokenizer, label_map)):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    probe = tokenizer(["cat vomiting after meals"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    inverse = {v: k for k, v in label_map.items()}
    print("probe routed to:", inverse[pred])


if __name__ == "__main__":
    main()
