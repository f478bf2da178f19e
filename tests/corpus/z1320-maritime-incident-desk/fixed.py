"""Route maritime incident reports to the right investigation desk.

Small BERT classifier fine-tuned with the HF Trainer; the real run uses the
full casualty database, this script is the nightly smoke test on a handful of
hand-written reports.
"""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s | %(message)s")
log = logging.getLogger("incident_desk")

REPORTS = [
    ("vessel struck the pier while berthing in strong crosswind", "collision"),
    ("bulk carrier touched bottom outside the dredged channel", "grounding"),
    ("smoke reported from engine room near the fuel separator", "fire"),
    ("oily sheen observed astern during bilge discharge", "pollution"),
    ("deckhand fell from the pilot ladder and was recovered", "overboard"),
    ("mooring line parted during tug handover no injuries", "other"),
    ("two fishing vessels made contact in fog near the buoy", "collision"),
    ("tanker grounded on a sandbar after steering failure", "grounding"),
    ("galley fire extinguished by crew within minutes", "fire"),
    ("container lost overboard in heavy swell", "other"),
]

TASKS = {
    "desk_routing": {"labels": ("collision", "grounding", "fire", "pollution", "overboard", "other"),
                     "max_len": 20, "lr": 5e-4},
}


class DeskConfig:
    __slots__ = ("labels", "max_len", "lr", "hidden", "batch_size")

    def __init__(self, labels, max_len=32, lr=1e-4, hidden=32, batch_size=4):
        self.labels = tuple(labels)
        self.max_len, self.lr, self.hidden, self.batch_size = max_len, lr, hidden, batch_size

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    @classmethod
    def for_task(cls, name, **overrides):
        spec = dict(TASKS[name])
        spec.update(overrides)
        return cls.from_dict(spec)

    @property
    def num_labels(self):
        return len(self.labels)


class DeskClassifier(BertForSequenceClassification):
    @classmethod
    def from_config(cls, cfg, vocab_size):
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=cfg.hidden * 2,
                              max_position_embeddings=64, num_labels=cfg.num_labels)
        return cls(bert_cfg)


class ReportSet(Dataset):
    __slots__ = ("rows", "label2id")

    def __init__(self, reports, tokenizer, cfg):
        self.label2id = {name: i for i, name in enumerate(cfg.labels)}
        self.rows = []
        for text, desk in reports:
            enc = tokenizer(text, truncation=True, max_length=cfg.max_len)
            desk_id = self.label2id.setdefault(desk, len(self.label2id))
            self.rows.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                              "labels": desk_id})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    @staticmethod
    def collate(feats, pad_id=0):
        width = max(len(f["input_ids"]) for f in feats)
        pad = lambda seq: seq + [pad_id] * (width - len(seq))
        return {
            "input_ids": torch.tensor([pad(f["input_ids"]) for f in feats]),
            "attention_mask": torch.tensor([pad(f["attention_mask"]) for f in feats]),
            "labels": torch.tensor([f["labels"] for f in feats]),
        }


def build_tokenizer(reports):
    words = sorted({w for text, _ in reports for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    cfg = DeskConfig.for_task("desk_routing")
    tok = build_tokenizer(REPORTS)
    train_set = ReportSet(REPORTS, tok, cfg)
    model = DeskClassifier.from_config(cfg, vocab_size=len(tok))
    log.info("desks=%s num_labels=%d examples=%d", cfg.labels, cfg.num_labels, len(train_set))

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=cfg.batch_size,
                             num_train_epochs=1, learning_rate=cfg.lr, save_strategy="no",
                             logging_steps=1, use_cpu=True, seed=0, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=ReportSet.collate)
    result = trainer.train()
    log.info("train loss %.4f", result.training_loss)

    model.eval()
    batch = ReportSet.collate([train_set[i] for i in range(4)])
    with torch.no_grad():
        preds = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
    for i, p in enumerate(preds.tolist()):
        print(f"{REPORTS[i][0][:45]:<45} -> {cfg.labels[p]}")


if __name__ == "__main__":
    main()
