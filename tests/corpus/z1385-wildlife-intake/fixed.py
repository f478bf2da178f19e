"""Fine-tune a tiny BERT on wildlife rehabilitation intake notes with the HF Trainer.

The vets only want per-class recall for a few intake categories, listed by their
intake-form code in EVAL_COLUMNS.
"""
import os
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)
from transformers.utils import logging as hf_logging

os.environ.setdefault("EVAL_COLUMNS", "1,3,5")
hf_logging.set_verbosity_error()

MAX_LEN = int(os.environ.get("MAX_LEN", "32"))
EPOCHS = int(os.environ.get("EPOCHS", "2"))
BATCH = int(os.environ.get("BATCH", "4"))

# codes as printed on the paper intake form
INTAKE_FORM = {1: "trauma", 2: "orphaned", 3: "toxicosis", 4: "entanglement", 5: "infectious"}
LABELS = [INTAKE_FORM[c] for c in sorted(INTAKE_FORM)]
label2id = {name: i for i, name in enumerate(LABELS)}

NOTES = [
    ("hedgehog hit by car with fractured hind leg", "trauma"),
    ("buzzard found under power line with wing injury", "trauma"),
    ("three fox cubs found alone with no sign of vixen", "orphaned"),
    ("fledgling blackbird found on pavement no parents seen", "orphaned"),
    ("swan lethargic after eating from lead contaminated pond", "toxicosis"),
    ("red kite collapsed suspected rodenticide poisoning", "toxicosis"),
    ("gull with fishing line wrapped around its leg", "entanglement"),
    ("deer caught in garden netting and struggling", "entanglement"),
    ("pigeon with crusty eyes and discharge suspected canker", "infectious"),
    ("fox with hair loss and scabs consistent with mange", "infectious"),
    ("badger struck by vehicle with head wound", "trauma"),
    ("duckling found alone near the canal", "orphaned"),
]
DEV_NOTES = [
    ("owl with broken wing after window strike", "trauma"),
    ("baby squirrel fell from drey and mother gone", "orphaned"),
    ("heron tangled in discarded netting", "entanglement"),
    ("finch fluffed up with swollen eyes", "infectious"),
    ("seagull vomiting after eating poisoned bait", "toxicosis"),
]


def env_list(name):
    return [int(tok) for tok in os.environ.get(name, "").split(",") if tok.strip()]


def build_tokenizer(workdir):
    words = sorted({w for t, _ in NOTES + DEV_NOTES for w in t.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class IntakeDataset(Dataset):
    def __init__(self, rows, tokenizer):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN)
        self.targets = [label2id[lab] for _, lab in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def compute_metrics(eval_pred):
    logits, gold = eval_pred
    probs = torch.from_numpy(np.asarray(logits)).softmax(-1)
    gold = torch.from_numpy(np.asarray(gold))
    watched = torch.tensor([label2id[INTAKE_FORM[code]] for code in env_list("EVAL_COLUMNS")])
    picked = probs[:, watched]
    out = {}
    for j, col in enumerate(watched.tolist()):
        is_class = gold == col
        hits = (probs.argmax(-1) == col) & is_class
        out[f"recall_{LABELS[col]}"] = float(hits.sum()) / max(int(is_class.sum()), 1)
        out[f"mean_prob_{LABELS[col]}"] = float(picked[:, j].mean())
    return out


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=label2id)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=EPOCHS,
                             per_device_train_batch_size=BATCH, per_device_eval_batch_size=BATCH,
                             learning_rate=5e-3, logging_steps=2, save_strategy="no", report_to=[],
                             use_cpu=True, seed=0, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=IntakeDataset(NOTES, tokenizer),
                      eval_dataset=IntakeDataset(DEV_NOTES, tokenizer), compute_metrics=compute_metrics)
    trainer.train()
    metrics = trainer.evaluate()
    for k, v in sorted(metrics.items()):
        print(f"{k:>28}: {v:.3f}" if isinstance(v, float) else f"{k:>28}: {v}")


if __name__ == "__main__":
    main()
