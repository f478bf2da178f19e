"""Grade apiary inspection notes by colony strength with a tiny BERT + HF Trainer."""
import functools
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("hive")
torch.manual_seed(7)

# (note, colony grade) pairs from last season's inspections
NOTES = [
    ("brood frames patchy, queen not sighted, few eggs", 1),
    ("weak colony, chalkbrood mummies on landing board", 1),
    ("six frames of brood, calm bees, stores adequate", 2),
    ("queen cells capped on two frames, moderate stores", 2),
    ("strong flight at entrance, eight frames brood", 3),
    ("supers filling, pollen coming in, good temper", 3),
    ("ten frames brood, super added, bees bearding outside", 4),
    ("booming colony, two supers capped, swarm risk high", 4),
]
GRADE_NAMES = ("failing", "weak", "average", "strong")


@dataclass(frozen=True)
class RunSpec:
    max_len: int = 24
    epochs: int = 1
    batch_size: int = 4
    lr: float = 5e-4


@dataclass(frozen=True)
class Note:
    text: str
    grade: int


class Featurizer:
    def __init__(self, tokenizer, spec: RunSpec):
        self.tokenizer = tokenizer
        self.spec = spec

    def __call__(self, note: Note) -> dict:
        enc = self.tokenizer(note.text, truncation=True, max_length=self.spec.max_len,
                             padding="max_length")
        feats = {k: torch.tensor(v) for k, v in enc.items()}
        feats["labels"] = torch.tensor(note.grade - 1)
        return feats


class NoteDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class Workflow:
    def __init__(self, notes, spec=RunSpec()):
        self.notes = [Note(t, g) for t, g in notes]
        self.spec = spec
        self.workdir = tempfile.mkdtemp(prefix="hive_")
        self.trainer = None

    @functools.cached_property
    def tokenizer(self):
        words = sorted({w.strip(",.") for n in self.notes for w in n.text.split()})
        path = os.path.join(self.workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        return BertTokenizer(path)

    @functools.cached_property
    def label_names(self):
        return list(GRADE_NAMES)

    def featurize(self):
        feat = Featurizer(self.tokenizer, self.spec)
        self.dataset = NoteDataset([feat(n) for n in self.notes])
        log.info("featurized %d notes", len(self.dataset))
        return self

    def build_model(self):
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         num_labels=len(self.label_names))
        self.model = BertForSequenceClassification(cfg)
        return self

    def train(self):
        args = TrainingArguments(output_dir=os.path.join(self.workdir, "out"),
                                 per_device_train_batch_size=self.spec.batch_size,
                                 num_train_epochs=self.spec.epochs, learning_rate=self.spec.lr,
                                 use_cpu=True, save_strategy="no", logging_steps=1,
                                 disable_tqdm=True, report_to=[])
        self.trainer = Trainer(model=self.model, args=args, train_dataset=self.dataset)
        out = self.trainer.train()
        log.info("train loss %.4f", out.training_loss)
        return self

    def report(self):
        self.model.eval()
        sample = self.tokenizer(self.notes[0].text, return_tensors="pt")
        with torch.no_grad():
            pred = self.model(**sample).logits.argmax(-1).item()
        print("first note ->", self.label_names[pred])
        return self


if __name__ == "__main__":
    Workflow(NOTES).featurize().build_model().train().report()
