"""Triage patent office actions: given the claim, the cited prior art and the
examiner's remark, predict whether the claim is likely allowed (1) or rejected (0).
Tiny BERT trained from scratch, just to sanity-check the data plumbing."""
import os
import tempfile
from functools import partial, reduce
from itertools import chain, repeat

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

RECORDS = [
    {"claim": "a hinge assembly with a spring loaded detent pin",
     "prior_art": "door hinge with spring biased pin",
     "remark": "anticipated by cited reference", "allowed": 0},
    {"claim": "a battery housing with integrated phase change cooling channels",
     "prior_art": "battery box with external fan",
     "remark": "cooling channels not disclosed", "allowed": 1},
    {"claim": "method of sorting seeds by optical reflectance",
     "prior_art": "optical sorter for grain by colour",
     "remark": "obvious over cited sorter", "allowed": 0},
    {"claim": "a drone landing pad with inductive charging coils",
     "prior_art": "landing pad with contact charging",
     "remark": "inductive coupling not taught", "allowed": 1},
    {"claim": "a valve seat coated with diamond like carbon",
     "prior_art": "valve seat with hardened steel insert",
     "remark": "coating not suggested in art", "allowed": 1},
    {"claim": "a bicycle lock using a fingerprint reader",
     "prior_art": "padlock with fingerprint sensor",
     "remark": "obvious combination", "allowed": 0},
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXT_FIELDS = ("claim", "prior_art", "remark")


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), fns, x)


def write_vocab(records, fields):
    words = sorted(set(chain.from_iterable(r[f].split() for r in records for f in fields)))
    path = os.path.join(tempfile.mkdtemp(prefix="patent_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def make_segment_encoder(tokenizer, fields):
    def encode(record):
        parts = [tokenizer.tokenize(record[f]) + ["[SEP]"] for f in fields]
        parts[0] = ["[CLS]"] + parts[0]
        pieces = list(chain.from_iterable(parts))
        segments = list(chain.from_iterable(repeat(i, len(p)) for i, p in enumerate(parts)))
        return tokenizer.convert_tokens_to_ids(pieces), segments, record["allowed"]
    return encode


def collate(rows, pad_id):
    width = max(len(ids) for ids, _, _ in rows)
    fill = lambda seq, v: seq + [v] * (width - len(seq))
    return {
        "input_ids": torch.tensor([fill(ids, pad_id) for ids, _, _ in rows]),
        "token_type_ids": torch.tensor([fill(seg, 0) for _, seg, _ in rows]),
        "attention_mask": torch.tensor([fill([1] * len(ids), 0) for ids, _, _ in rows]),
        "labels": torch.tensor([y for _, _, y in rows]),
    }


def chunks(items, size):
    return (items[i:i + size] for i in range(0, len(items), size))


def train_step(model, optimizer, batch):
    out = model(**batch)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return out.loss.item()


def main():
    vocab_path = write_vocab(RECORDS, TEXT_FIELDS)
    tokenizer = BertTokenizer(vocab_path)
    encode = make_segment_encoder(tokenizer, TEXT_FIELDS)
    make_batch = compose(partial(map, encode), list, partial(collate, pad_id=tokenizer.pad_token_id))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(TEXT_FIELDS),
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    print(f"vocab={tokenizer.vocab_size} records={len(RECORDS)}")

    model.train()
    for epoch in range(3):
        losses = [train_step(model, optimizer, make_batch(chunk)) for chunk in chunks(RECORDS, 3)]
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.4f}")

    model.eval()
    with torch.no_grad():
        batch = make_batch(RECORDS)
        preds = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
    acc = (preds == batch["labels"]).float().mean().item()
    print(f"train accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
