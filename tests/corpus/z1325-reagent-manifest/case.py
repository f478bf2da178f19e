"""Hazard-class tagging for reagent shipment manifest lines.

Fine-tunes a small BERT on manifest lines, then runs an evaluation pass that
reports, per hazard class, how many lines the model would have auto-accepted
at that class's confidence threshold (the rest go to the safety officer).
"""
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments, set_seed)

set_seed(3)

TASKS = {
    "routing": {"labels": ["ambient", "cold_chain", "dry_ice", "courier"]},
    "hazard": {"labels": ["none", "flammable", "corrosive", "oxidizer", "toxic", "compressed_gas"]},
}
# minimum softmax confidence for auto-accept, keyed by label name
THRESHOLDS = {"flammable": 0.6, "corrosive": 0.6, "oxidizer": 0.7, "toxic": 0.8,
              "compressed_gas": 0.7, "cold_chain": 0.5, "dry_ice": 0.6}
DEFAULTS = {"task": "routing", "hidden": 32, "epochs": 2, "lr": 5e-4, "batch": 4}

LINES = [
    ("acetone 2.5 l glass bottle x4", 1), ("ethanol absolute 1 l", 1), ("sodium chloride 500 g", 0),
    ("hydrochloric acid 37 percent 1 l", 2), ("sodium hydroxide pellets 1 kg", 2),
    ("hydrogen peroxide 30 percent 500 ml", 3), ("potassium permanganate 250 g", 3),
    ("sodium azide 100 g", 4), ("potassium cyanide 50 g", 4), ("nitrogen cylinder 10 l", 5),
    ("argon cylinder 50 l", 5), ("agarose powder 100 g", 0), ("methanol hplc grade 4 l", 1),
    ("nitric acid 65 percent 2.5 l", 2), ("carbon dioxide cylinder 5 l", 5), ("glucose 1 kg", 0),
]


class Config:
    __slots__ = ("task", "labels", "hidden", "epochs", "lr", "batch")

    def __init__(self, task, labels, hidden, epochs, lr, batch):
        self.task, self.labels, self.hidden = task, list(labels), hidden
        self.epochs, self.lr, self.batch = epochs, lr, batch

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        return cls(labels=TASKS[d["task"]]["labels"], **d)

    @classmethod
    def for_task(cls, task, **overrides):
        return cls.from_dict({**DEFAULTS, **overrides, "task": task})

    @property
    def num_labels(self):
        return len(self.labels)

    @property
    def id2label(self):
        return dict(enumerate(self.labels))


class EvalConfig:
    __slots__ = ("task", "id2label", "thresholds")

    def __init__(self, task, id2label, thresholds):
        self.task, self.id2label, self.thresholds = task, id2label, thresholds

    @classmethod
    def for_task(cls, task, parent=None):
        parent = parent or Config.from_dict(DEFAULTS)
        id2label = parent.id2label
        thresholds = [THRESHOLDS.get(id2label[i], 0.5) for i in sorted(id2label)]
        return cls(task, id2label, thresholds)


class ManifestModel(BertForSequenceClassification):
    @classmethod
    def from_config(cls, cfg, vocab_size):
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=cfg.hidden * 2,
                              max_position_embeddings=64, num_labels=cfg.num_labels,
                              id2label=cfg.id2label, label2id={v: k for k, v in cfg.id2label.items()})
        return cls(bert_cfg)


class ManifestLines(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        self.y = torch.tensor([y for _, y in rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.y[i]
        return item

    @staticmethod
    def write_vocab(rows, folder):
        words = sorted({w for t, _ in rows for w in t.split()})
        path = os.path.join(folder, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        return path


def make_metrics(eval_cfg):
    def compute_metrics(pred):
        logits, gold = torch.tensor(pred.predictions), torch.tensor(pred.label_ids)
        probs = logits.softmax(-1)
        conf = probs[torch.arange(len(gold)), gold]
        cutoff = torch.tensor(eval_cfg.thresholds)
        accepted = conf >= cutoff[gold]
        out = {"accuracy": (logits.argmax(-1) == gold).float().mean().item()}
        for cid, name in eval_cfg.id2label.items():
            sel = gold == cid
            out[f"auto_{name}"] = int((accepted & sel).sum())
        return out
    return compute_metrics


if __name__ == "__main__":
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(ManifestLines.write_vocab(LINES, workdir))
    cfg = Config.for_task("hazard")
    eval_cfg = EvalConfig.for_task("hazard")
    model = ManifestModel.from_config(cfg, tokenizer.vocab_size)
    print(f"task={cfg.task} num_labels={cfg.num_labels} vocab={tokenizer.vocab_size}")

    train_ds, eval_ds = ManifestLines(LINES[:12], tokenizer), ManifestLines(LINES, tokenizer)
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=cfg.epochs,
                             per_device_train_batch_size=cfg.batch, per_device_eval_batch_size=8,
                             learning_rate=cfg.lr, save_strategy="no", logging_strategy="no",
                             eval_strategy="no", use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      compute_metrics=make_metrics(eval_cfg))
    trainer.train()
    metrics = trainer.evaluate()
    for k, v in sorted(metrics.items()):
        print(f"{k:>24}: {v}")
