"""Guess the plant family from transcribed herbarium sheet labels.

Length-bucketed batches, Accelerate for the loop, and a logit-adjusted loss so
the rarer families are not drowned out by the common ones.
"""
import os
import tempfile
from itertools import groupby

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

FAMILIES = ["Rosaceae", "Asteraceae", "Poaceae", "Fabaceae"]
SHEETS = [
    ("hawthorn hedge bank flowering", "Rosaceae"),
    ("dog rose scrambling hedgerow", "Rosaceae"),
    ("bramble thicket woodland edge", "Rosaceae"),
    ("wild strawberry shaded bank", "Rosaceae"),
    ("yarrow rough grassland roadside verge", "Asteraceae"),
    ("ragwort dune slack sandy soil", "Asteraceae"),
    ("knapweed chalk downland south slope", "Asteraceae"),
    ("cocksfoot tussocks meadow margin damp ground", "Poaceae"),
    ("marram grass mobile dune crest exposed", "Poaceae"),
    ("false oat grass railway cutting embankment", "Poaceae"),
    ("bird foot trefoil short turf cliff top path", "Fabaceae"),
    ("tufted vetch climbing through hedge near stream", "Fabaceae"),
    ("gorse heath burnt patch regrowth sandy acid soil", "Fabaceae"),
    ("blackthorn collected in fruit from old drove road hedge beside ford", "Rosaceae"),
]
BUCKET_WIDTH = 4
BATCH_SIZE = 3
TAU = 1.0


def read_records(rows):
    for sheet_no, (label_text, family) in enumerate(rows):
        yield sheet_no, label_text, FAMILIES.index(family)


def tokenize_stream(records, tok):
    for sheet_no, text, fam in records:
        yield {"sheet": sheet_no, "ids": tok(text)["input_ids"], "family": fam}


def batch_stream(bucketed, batch_size, pad_id=0):
    for _, bucket in groupby(bucketed, key=lambda r: len(r["ids"]) // BUCKET_WIDTH):
        bucket = list(bucket)
        for i in range(0, len(bucket), batch_size):
            part = bucket[i:i + batch_size]
            width = max(len(r["ids"]) for r in part)
            ids = torch.tensor([r["ids"] + [pad_id] * (width - len(r["ids"])) for r in part])
            yield {"input_ids": ids, "attention_mask": (ids != pad_id).long(),
                   "family": torch.tensor([r["family"] for r in part])}


def class_prior(records):
    counts = [sum(1 for _ in grp) for _, grp in groupby(records, key=lambda r: r["family"])]
    freq = torch.tensor(counts, dtype=torch.float)
    return freq / freq.sum()


def build_tokenizer():
    words = sorted({w for text, _ in SHEETS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(FAMILIES))
    model = BertForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, optimizer = accelerator.prepare(model, optimizer)

    bucketed = sorted(tokenize_stream(read_records(SHEETS), tok), key=lambda r: len(r["ids"]))
    by_family = sorted(bucketed, key=lambda r: r["family"])
    log_prior = torch.log(class_prior(by_family)).to(accelerator.device)
    accelerator.print(f"{len(bucketed)} sheets, prior {log_prior.exp().tolist()}")

    model.train()
    for epoch in range(3):
        running, n_batches = 0.0, 0
        for batch in batch_stream(bucketed, BATCH_SIZE):
            batch = {k: v.to(accelerator.device) for k, v in batch.items()}
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            adjusted = out.logits + TAU * log_prior
            loss = F.cross_entropy(adjusted, batch["family"])
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
            n_batches += 1
        accelerator.print(f"epoch {epoch} mean loss {running / n_batches:.4f}")

    model.eval()
    with torch.no_grad():
        guess = []
        for batch in batch_stream(bucketed[-BATCH_SIZE:], BATCH_SIZE):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            guess.extend(logits.argmax(-1).tolist())
    accelerator.print("longest sheets ->", [FAMILIES[g] for g in guess])


if __name__ == "__main__":
    main()
