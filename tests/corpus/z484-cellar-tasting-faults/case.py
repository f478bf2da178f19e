"""Triage sommeliers' cellar tasting notes into wine-fault buckets.

Small experiment: fine-tune a tiny BERT with the HF Trainer and report accuracy
plus per-fault recall on a held-out set of tasting notes.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

STATUSES = ["sound", "corked", "oxidised"]

NOTE_TEMPLATES = {
    "sound": ["bright cherry fruit fine tannins bottle {n} clean", "lively acidity citrus and stone fruit",
              "clean nose cassis cedar long finish {n} years cellared"],
    "corked": ["musty wet cardboard nose fruit muted", "damp cellar smell bottle {n} flat palate",
               "mouldy newspaper aroma finish stripped"],
    "oxidised": ["bruised apple sherry notes colour browning", "nutty flat fruit bottle {n} tawny rim",
                 "cooked fruit caramel edge acidity faded"],
}


def make_notes(n_per_status, rng):
    rows = []
    for label, status in enumerate(STATUSES):
        for _ in range(n_per_status):
            text = rng.choice(NOTE_TEMPLATES[status]).format(n=rng.randint(2, 9))
            rows.append((text, label))
    rng.shuffle(rows)
    return rows


def build_tokenizer(rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class TastingNotes(Dataset):
    def __init__(self, rows, tokenizer):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=16)
        self.labels = [y for _, y in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    logits = torch.as_tensor(logits)
    labels = torch.as_tensor(labels)
    # most likely fault for every note
    preds = logits.argmax(dim=0)
    correct = (preds == labels).float()
    metrics = {"accuracy": correct.mean().item()}
    for k, status in enumerate(STATUSES):
        sel = labels == k
        metrics[f"recall_{status}"] = correct[sel].mean().item() if sel.any() else float("nan")
    return metrics


def main():
    rng = random.Random(SEED)
    train_rows = make_notes(16, rng)
    eval_rows = make_notes(4, rng)
    tok = build_tokenizer(train_rows + eval_rows)

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(STATUSES))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=8,
        num_train_epochs=1,
        learning_rate=5e-4,
        eval_strategy="epoch",
        save_strategy="no",
        logging_strategy="no",
        report_to="none",
        disable_tqdm=True,
        use_cpu=True,
        seed=SEED,
    )
    trainer = Trainer(model=model, args=args,
                      train_dataset=TastingNotes(train_rows, tok),
                      eval_dataset=TastingNotes(eval_rows, tok),
                      compute_metrics=compute_metrics)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
