"""Fine-tune a tiny BERT to triage free-text beehive inspection notes.

Inspectors type short notes in the field; we want to route each one to the right
follow-up queue (requeen, treat for mites, feed, split, etc.).
"""
import enum
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hive-triage")
torch.manual_seed(7)


class Finding(enum.Enum):
    HEALTHY = enum.auto()
    QUEENLESS = enum.auto()
    VARROA = enum.auto()
    STARVING = enum.auto()
    SWARM_RISK = enum.auto()


LABEL2ID = {f: i for i, f in enumerate(Finding)}


class Split(enum.Enum):
    TRAIN = "train"
    EVAL = "eval"


@dataclass(frozen=True)
class Note:
    apiary: str
    text: str
    finding: Finding
    split: Split


NOTES = [
    Note("north", "brood pattern solid queen seen eggs present", Finding.HEALTHY, Split.TRAIN),
    Note("north", "no eggs no queen emergency cells started", Finding.QUEENLESS, Split.TRAIN),
    Note("creek", "mites on drones deformed wings noted", Finding.VARROA, Split.TRAIN),
    Note("creek", "frames empty no stores bees lethargic", Finding.STARVING, Split.TRAIN),
    Note("ridge", "swarm cells on bottom bars colony crowded", Finding.SWARM_RISK, Split.TRAIN),
    Note("ridge", "queen seen brood solid stores good", Finding.HEALTHY, Split.TRAIN),
    Note("north", "mite drop high deformed wings on workers", Finding.VARROA, Split.TRAIN),
    Note("creek", "crowded colony swarm cells capped", Finding.SWARM_RISK, Split.TRAIN),
    Note("ridge", "no stores bees lethargic feed now", Finding.STARVING, Split.EVAL),
    Note("north", "emergency cells no eggs seen", Finding.QUEENLESS, Split.EVAL),
]


def write_vocab(notes):
    words = sorted({w for n in notes for w in n.text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class InspectionDataset(Dataset):
    def __init__(self, notes, tokenizer, max_len=16):
        self.rows = []
        for note in notes:
            enc = tokenizer(note.text, padding="max_length", truncation=True, max_length=max_len)
            match note:
                case Note(finding=Finding() as f):
                    target = LABEL2ID[f]
                case _:
                    raise TypeError(f"bad record {note!r}")
            self.rows.append({**enc, "labels": target})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return {k: torch.tensor(v) for k, v in self.rows[idx].items()}


def pick(notes, split):
    out = []
    for n in notes:
        match n:
            case Note(split=s) if s is split:
                out.append(n)
    return out


def main():
    tok = BertTokenizer(write_vocab(NOTES))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(Finding))
    model = BertForSequenceClassification(cfg)
    log.info("model has %d labels", cfg.num_labels)

    train_ds = InspectionDataset(pick(NOTES, Split.TRAIN), tok)
    eval_ds = InspectionDataset(pick(NOTES, Split.EVAL), tok)
    log.info("train=%d eval=%d", len(train_ds), len(eval_ds))

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, per_device_eval_batch_size=4,
                             learning_rate=5e-4, logging_steps=1, save_strategy="no",
                             disable_tqdm=True, report_to=[], use_cpu=True, seed=7)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    metrics = trainer.evaluate()
    log.info("eval loss %.4f", metrics["eval_loss"])


if __name__ == "__main__":
    main()
