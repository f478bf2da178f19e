"""Fine-tune a tiny BERT to route bridge inspection remarks to a defect category.

Stage 1 tokenizes the remarks once and caches everything under a scratch dir;
stage 2 reloads the cache, builds the classifier and hands it to the HF Trainer.
"""
import functools
import json
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("bridge-defects")

random.seed(7)
torch.manual_seed(7)

DEFECT_TYPES = ["cracking", "corrosion", "scour", "bearing_seizure", "spalling"]
LABEL2ID = {name: i for i, name in enumerate(DEFECT_TYPES)}

INSPECTION_NOTES = [
    ("hairline cracks along the deck soffit near pier two", "cracking"),
    ("transverse crack widening at the abutment joint", "cracking"),
    ("rust staining and section loss on the lower chord", "corrosion"),
    ("heavy rust on girder flange at the drain outlet", "corrosion"),
    ("bearing plate frozen no movement under thermal load", "bearing_seizure"),
    ("rocker bearing tilted and seized against keeper", "bearing_seizure"),
    ("concrete spalling exposing rebar on the parapet", "spalling"),
    ("delaminated cover concrete spalling under the deck", "spalling"),
]

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    return BASE_VOCAB + words


def stage_encode(cache_dir):
    """Tokenize once; everything downstream reads from cache_dir."""
    vocab = build_vocab(INSPECTION_NOTES)
    vocab_path = os.path.join(cache_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)

    texts = [t for t, _ in INSPECTION_NOTES]
    enc = tok(texts, padding="max_length", truncation=True, max_length=24, return_tensors="pt")
    torch.save(dict(enc), os.path.join(cache_dir, "encodings.pt"))

    targets = [LABEL2ID[cat] for _, cat in INSPECTION_NOTES]
    with open(os.path.join(cache_dir, "targets.json"), "w") as fh:
        json.dump(targets, fh)

    meta = {
        "n_notes": len(texts),
        "seq_width": int(enc["input_ids"].shape[1]),
        "vocab_size": len(vocab),
        "num_defect_types": len(set(targets)),
    }
    with open(os.path.join(cache_dir, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=2)
    log.info("cached %d notes -> %s", len(texts), cache_dir)
    return meta


@functools.lru_cache(maxsize=None)
def load_meta(cache_dir):
    with open(os.path.join(cache_dir, "meta.json")) as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=None)
def load_encodings(cache_dir):
    return torch.load(os.path.join(cache_dir, "encodings.pt"))


@functools.lru_cache(maxsize=None)
def load_targets(cache_dir):
    with open(os.path.join(cache_dir, "targets.json")) as fh:
        return tuple(json.load(fh))


class CachedNotes(Dataset):
    def __init__(self, cache_dir):
        self.enc = load_encodings(cache_dir)
        self.targets = load_targets(cache_dir)

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        row = {k: v[i] for k, v in self.enc.items()}
        row["labels"] = torch.tensor(self.targets[i])
        return row


def build_classifier(cache_dir):
    meta = load_meta(cache_dir)
    cfg = BertConfig(
        vocab_size=meta["vocab_size"],
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=meta["num_defect_types"],
    )
    log.info("classifier with %d output classes", cfg.num_labels)
    return BertForSequenceClassification(cfg)


def main():
    cache_dir = tempfile.mkdtemp(prefix="bridge_cache_")
    stage_encode(cache_dir)

    train_ds = CachedNotes(cache_dir)
    model = build_classifier(cache_dir)

    args = TrainingArguments(
        output_dir=os.path.join(cache_dir, "run"),
        per_device_train_batch_size=4,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
        seed=7,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"finished: loss={result.training_loss:.4f}")


if __name__ == "__main__":
    main()
