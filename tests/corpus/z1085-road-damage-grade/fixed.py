"""Grade citizen road-damage reports (grade 1 = cosmetic .. 5 = road closure).

Fine-tunes a tiny BERT with the HF Trainer and prints a confusion matrix per
evaluation round so the inspection team can see which grades get mixed up.
"""
import os
import tempfile
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(11)
GRADES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Report:
    text: str
    district: str
    grade: int


TRAIN = [
    Report("hairline crack near the kerb", "north", 1),
    Report("faded paint on crossing", "east", 1),
    Report("small pothole on cycle lane", "north", 2),
    Report("several potholes after frost", "west", 3),
    Report("deep pothole bus swerving", "east", 4),
    Report("sinkhole opened road closed", "south", 5),
    Report("loose gravel patch on bend", "west", 2),
    Report("collapsed drain cover lane blocked", "south", 4),
]
HOLDOUT = [
    Report("crack along the kerb", "east", 1),
    Report("pothole on bus lane swerving", "north", 4),
    Report("road closed after sinkhole", "west", 5),
    Report("gravel patch after frost", "south", 3),
]


def to_label(grade: int) -> int:
    return GRADES.index(grade)


class Tokenizes(Protocol):
    def __call__(self, texts: Sequence[str], **kw): ...


class ReportSet(Dataset):
    def __init__(self, reports: Sequence[Report], tok: Tokenizes, max_len: int = 16):
        enc = tok([r.text for r in reports], padding="max_length", truncation=True,
                  max_length=max_len, return_tensors="pt")
        self.rows = [
            {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": torch.tensor(to_label(r.grade))}
            for i, r in enumerate(reports)
        ]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def build_tokenizer() -> BertTokenizer:
    words = sorted({w for r in TRAIN + HOLDOUT for w in r.text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def confusion_metrics(eval_pred, reports: Sequence[Report] = HOLDOUT):
    logits, _ = eval_pred
    predicted = torch.as_tensor(np.argmax(logits, axis=-1))
    gold = torch.tensor([to_label(r.grade) for r in reports])
    table = torch.zeros(len(GRADES), len(GRADES), dtype=torch.long)
    table.index_put_((gold, predicted), torch.ones_like(gold), accumulate=True)
    print("confusion (rows=gold, cols=pred):\n", table)
    return {"accuracy": table.diag().sum().item() / table.sum().item()}


def self_check(tok: BertTokenizer) -> None:
    ds = ReportSet(TRAIN, tok)
    assert len(ds) == len(TRAIN)
    assert all(0 <= int(row["labels"]) < len(GRADES) for row in ds.rows)
    assert ds[0]["input_ids"].shape == ds[0]["attention_mask"].shape == (16,)
    assert [to_label(g) for g in GRADES] == list(range(len(GRADES)))
    print("self_check ok")


def main():
    tok = build_tokenizer()
    self_check(tok)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=32, num_labels=len(GRADES))
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             per_device_eval_batch_size=4, num_train_epochs=2,
                             learning_rate=5e-4, report_to="none", save_strategy="no",
                             logging_strategy="no", use_cpu=True, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=ReportSet(TRAIN, tok),
                      eval_dataset=ReportSet(HOLDOUT, tok), compute_metrics=confusion_metrics)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
