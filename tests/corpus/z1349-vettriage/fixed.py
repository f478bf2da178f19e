"""Distil a tiny BERT species classifier for vet-clinic intake notes from a teacher's exported score table."""
import logging
import os
import tempfile
from abc import ABC, abstractmethod

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("vettriage")
set_seed(11)

NOTES = [
    "limping on back leg after walk in park", "sneezing and pawing at face since monday",
    "feather plucking and not singing", "vomited twice ate grass", "hiding under bed not eating",
    "beak overgrown and cracked", "wheezing at night hairball suspected", "bleeding from paw pad glass",
    "seed husks left untouched for two days", "scratching ears head shaking", "drinking a lot urinating more",
    "tail feathers broken after cage fall",
]
# columns of the teacher's export, one row per note (softmax already applied per head)
TEACHER_COLUMNS = ["dog", "cat", "bird", "routine", "soon", "urgent", "emergency"]
torch.manual_seed(11)
TEACHER_SCORES = torch.cat([torch.softmax(torch.randn(len(NOTES), 3), -1),
                            torch.softmax(torch.randn(len(NOTES), 4), -1)], dim=1)


class IntakeNotes(Dataset, ABC):
    TASK = None
    CLASSES = ()

    def __init__(self, notes, scores):
        self.notes = notes
        self.scores = scores

    @abstractmethod
    def __len__(self):
        ...

    @abstractmethod
    def __getitem__(self, i):
        ...


class SpeciesNotes(IntakeNotes):
    TASK = "species"
    CLASSES = ("dog", "cat", "bird")

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        return {"text": self.notes[i], "row": i}


class UrgencyNotes(IntakeNotes):
    TASK = "urgency"
    CLASSES = ("routine", "soon", "urgent", "emergency")

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, i):
        return {"text": self.notes[i], "row": i}


class Collator:
    def __init__(self, tokenizer, score_table, label_order, max_length=16):
        self.tokenizer = tokenizer
        self.score_table = score_table
        self.label_order = torch.as_tensor(label_order)
        self.max_length = max_length

    def __call__(self, items):
        enc = self.tokenizer([it["text"] for it in items], padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt")
        rows = torch.tensor([it["row"] for it in items])
        soft = self.score_table[rows][:, self.label_order]
        enc["soft_targets"] = soft / soft.sum(-1, keepdim=True)
        enc["labels"] = soft.argmax(-1)
        return dict(enc)


class DistilTrainer(Trainer):
    def __init__(self, *args, alpha=0.7, **kwargs):
        super().__init__(*args, **kwargs)
        self.alpha = alpha

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        soft_targets = inputs.pop("soft_targets")
        outputs = model(**inputs)
        log_probs = F.log_softmax(outputs.logits, dim=-1)
        kd = -(soft_targets * log_probs).sum(-1).mean()
        loss = self.alpha * kd + (1 - self.alpha) * outputs.loss
        return (loss, outputs) if return_outputs else loss


def build_tokenizer():
    words = sorted({w for n in NOTES for w in n.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def main():
    tokenizer = build_tokenizer()
    for task_cls in (SpeciesNotes, UrgencyNotes):
        order = [TEACHER_COLUMNS.index(c) for c in task_cls.CLASSES]
        log.info("%s head -> teacher columns %s", task_cls.TASK, order)

    train_ds = SpeciesNotes(NOTES, TEACHER_SCORES)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=len(SpeciesNotes.CLASSES))
    student = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4, num_train_epochs=2,
                             learning_rate=5e-4, logging_steps=2, report_to=[], save_strategy="no",
                             remove_unused_columns=False, use_cpu=True, disable_tqdm=True)
    trainer = DistilTrainer(model=student, args=args, train_dataset=train_ds,
                            data_collator=Collator(tokenizer, TEACHER_SCORES,
                                                  label_order=[TEACHER_COLUMNS.index(c) for c in train_ds.CLASSES]))
    result = trainer.train()
    log.info("done, train loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
