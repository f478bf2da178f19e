"""Small hyperparameter sweep for the hive-inspection note classifier.

Each run rebuilds the tokenizer settings, the encoded data and a fresh tiny BERT
from one grid combination, trains a handful of steps and records the final loss.
"""
import itertools
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(13)

STATUSES = ["queenright", "queenless", "pre_swarm"]

NOTES = [
    ("capped brood in a tight pattern eggs seen queen spotted on frame four", "queenright"),
    ("no eggs no young larvae several emergency cells along the bottom bar", "queenless"),
    ("many queen cups charged along the lower edge bees hanging out of the entrance", "pre_swarm"),
    ("calm colony fresh eggs in the centre frames good pollen stores", "queenright"),
    ("laying workers suspected multiple eggs per cell drone brood in worker cells", "queenless"),
    ("brood nest backfilled with nectar swarm cells capped on two frames", "pre_swarm"),
    ("queen marked blue seen walking across brood frame with eggs", "queenright"),
    ("roaring colony no brood at all queen not seen for two inspections", "queenless"),
]

# model shape shared by every run
HIDDEN = 32
MAX_POSITIONS = 64


@dataclass
class RunSettings:
    max_len: int
    lowercase: bool
    lr: float


def write_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.lower().split()} |
                   {w.upper() for text, _ in notes for w in text.split()})
    folder = tempfile.mkdtemp(prefix="apiary_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_notes(tokenizer, settings):
    texts = [t for t, _ in NOTES]
    enc = tokenizer(
        texts,
        padding="max_length",
        truncation=True,
        max_length=settings.max_len,
        return_tensors="pt",
    )
    targets = torch.tensor([STATUSES.index(s) for _, s in NOTES])
    return enc, targets


def build_model(vocab_size):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=HIDDEN,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
        num_labels=len(STATUSES),
    )
    return BertForSequenceClassification(config)


def run_one(vocab_path, settings, steps=1):
    tok = BertTokenizer(vocab_path, do_lower_case=settings.lowercase)
    enc, targets = encode_notes(tok, settings)
    model = build_model(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr)
    model.train()
    loss_val = float("nan")
    for _ in range(steps):
        out = model(**enc, labels=targets)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        loss_val = out.loss.item()
    return loss_val


def main():
    vocab_path = write_vocab(NOTES)
    grid = itertools.product([48, 96], [True, False], [3e-4])
    results = []
    for max_len, lowercase, lr in grid:
        settings = RunSettings(max_len=max_len, lowercase=lowercase, lr=lr)
        print(f"run {len(results) + 1}: {settings}")
        final_loss = run_one(vocab_path, settings)
        results.append({"max_len": max_len, "lowercase": lowercase, "lr": lr, "loss": final_loss})

    print(f"\n{'max_len':>8} {'lower':>6} {'lr':>8} {'loss':>8}")
    for row in results:
        print(f"{row['max_len']:>8} {str(row['lowercase']):>6} {row['lr']:>8.0e} {row['loss']:>8.4f}")


if __name__ == "__main__":
    main()
