"""Urgency classifier for veterinary clinic intake forms (tiny BERT, trained with Accelerate).

Each intake form has several free-text fields; the field order is defined once in
intake_fields.tsv so the front desk export and the model agree on it.
"""
import csv
import functools
import os
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

FIELDS = [("species", "animal species as written by owner"),
          ("complaint", "presenting complaint"),
          ("history", "relevant history from the owner")]

TRAIN = [
    (1, 36, "dog", "vomiting since morning", "ate chocolate wrapper", "urgent"),
    (2, 84, "cat", "not eating two days", "older cat kidney diet", "soon"),
    (3, 12, "dog", "limping back leg", "jumped off sofa", "routine"),
    (4, 60, "rabbit", "no droppings today", "stopped eating hay", "urgent"),
    (5, 24, "cat", "scratching ears", "new flea treatment", "routine"),
    (6, 96, "dog", "collapsed on walk", "heart murmur known", "urgent"),
    (7, 18, "cat", "sneezing and runny eyes", "kitten from shelter", "soon"),
    (8, 48, "dog", "itchy skin patches", "changed food brand", "routine"),
]
DEV = [
    (9, 30, "dog", "vomiting and collapsed", "ate chocolate", "urgent"),
    (10, 70, "cat", "scratching ears", "older cat", "routine"),
]


def dump(folder):
    with open(os.path.join(folder, "intake_fields.tsv"), "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["field", "description"])
        w.writerows(FIELDS)
    for split, rows in (("train", TRAIN), ("dev", DEV)):
        with open(os.path.join(folder, f"{split}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["case_id", "age_months", "species", "complaint", "history", "urgency"])
            w.writerows(rows)


def load_fields(folder):
    with open(os.path.join(folder, "intake_fields.tsv"), newline="") as fh:
        return [r["field"] for r in csv.DictReader(fh, delimiter="\t")]


def load_split(folder, split):
    with open(os.path.join(folder, f"{split}.csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["case_id"] = int(r["case_id"])
        r["age_months"] = int(r["age_months"])
    return rows


def encode_form(row, fields, tok):
    """[CLS] field_0 [SEP] field_1 [SEP] ... with one segment per field."""
    ids, segs = [tok.cls_token_id], [0]
    for seg, name in enumerate(fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(row[name])) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return ids, segs


def collate(examples, pad_id):
    width = max(len(e["ids"]) for e in examples)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for e in examples:
        gap = width - len(e["ids"])
        out["input_ids"].append(e["ids"] + [pad_id] * gap)
        out["token_type_ids"].append(e["segs"] + [0] * gap)
        out["attention_mask"].append([1] * len(e["ids"]) + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in out.items()}
    batch["labels"] = torch.tensor([e["y"] for e in examples])
    return batch


def main():
    folder = tempfile.mkdtemp(prefix="vet_")
    dump(folder)
    fields = load_fields(folder)
    train_rows, dev_rows = load_split(folder, "train"), load_split(folder, "dev")
    levels = sorted(set(r["urgency"] for r in train_rows))
    level_id = {lv: i for i, lv in enumerate(levels)}

    words = sorted({w for r in train_rows + dev_rows for f in fields for w in r[f].split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))

    def encode_all(rows):
        return [dict(zip(("ids", "segs"), encode_form(r, fields, tok)), y=level_id[r["urgency"]])
                for r in rows]

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(levels))
    model = BertForSequenceClassification(cfg)
    print(f"fields={fields} levels={levels} vocab={len(tok)}")

    pad = functools.partial(collate, pad_id=tok.pad_token_id)
    train_dl = DataLoader(encode_all(train_rows), batch_size=4, shuffle=True, collate_fn=pad)
    dev_dl = DataLoader(encode_all(dev_rows), batch_size=4, collate_fn=pad)

    accelerator = Accelerator(cpu=True)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, opt, train_dl, dev_dl = accelerator.prepare(model, opt, train_dl, dev_dl)

    for epoch in range(3):
        model.train()
        running = 0.0
        for batch in train_dl:
            loss = model(**batch).loss
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: train loss {running / len(train_dl):.4f}")

    model.eval()
    hits = 0
    with torch.no_grad():
        for batch in dev_dl:
            pred = model(**batch).logits.argmax(-1)
            hits += (pred == batch["labels"]).sum().item()
    accelerator.print(f"dev accuracy {hits / len(dev_rows):.2f}")


if __name__ == "__main__":
    main()
