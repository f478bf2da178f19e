"""Triage apiary inspection notes into a disease/condition category.

Small BERT classifier trained from scratch on the inspectors' free-text notes.
Notes without a countersignature are kept for training, the labels are usually right.
"""
import os
import random
import tempfile
from functools import reduce
from itertools import groupby, chain
from operator import itemgetter

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

# (hive_id, inspector note, condition, countersigned)
INSPECTIONS = [
    ("H-014", "capped brood patchy with sunken perforated cappings", "afb_suspect", True),
    ("H-014", "ropy test positive on two frames", "afb_suspect", True),
    ("H-022", "chalky mummies on landing board", "chalkbrood", True),
    ("H-022", "white mummified larvae in cells", "chalkbrood", False),
    ("H-031", "strong colony good stores laying queen seen", "healthy", True),
    ("H-031", "calm bees full frames of brood", "healthy", True),
    ("H-040", "twisted larvae melted appearance sour smell", "efb_suspect", False),
    ("H-040", "yellow larvae displaced in cells", "efb_suspect", False),
    ("H-047", "deformed wings on emerging bees mites on drones", "varroa", True),
    ("H-047", "mite drop count high after sugar roll", "varroa", True),
    ("H-052", "no eggs no queen seen emergency cells", "queenless", True),
    ("H-052", "laying workers multiple eggs per cell", "queenless", False),
]

LABEL_COL = itemgetter(2)
TEXT_COL = itemgetter(1)
SIGNED_COL = itemgetter(3)


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(map(str.split, texts))))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def build_label_index(records):
    ordered = sorted(records, key=LABEL_COL)
    return {name: idx for idx, (name, _) in enumerate(groupby(ordered, key=LABEL_COL))}


def count_conditions(records):
    signed = filter(SIGNED_COL, records)
    grouped = groupby(sorted(signed, key=LABEL_COL), key=LABEL_COL)
    return reduce(lambda acc, _grp: acc + 1, grouped, 0)


def make_batches(records, tokenizer, label_index, batch_size=4):
    shuffled = random.sample(records, len(records))
    for start in range(0, len(shuffled), batch_size):
        chunk = shuffled[start:start + batch_size]
        enc = tokenizer(list(map(TEXT_COL, chunk)), padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([label_index[LABEL_COL(r)] for r in chunk])
        yield enc


def main():
    vocab_path = write_vocab(map(TEXT_COL, INSPECTIONS))
    tokenizer = BertTokenizer(vocab_path)

    label_index = build_label_index(INSPECTIONS)
    n_conditions = count_conditions(INSPECTIONS)
    print(f"conditions: {sorted(label_index, key=label_index.get)}")
    print(f"{len(INSPECTIONS)} notes, {n_conditions} classes")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_conditions,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(make_batches(INSPECTIONS, tokenizer, label_index)):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["mites on drones deformed wings"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    inv = {v: k for k, v in label_index.items()}
    print("probe ->", inv[pred])


if __name__ == "__main__":
    main()
