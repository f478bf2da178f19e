"""News-headline topic classifier (tiny BERT) with per-topic recall reported by compute_metrics."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(0)
TOPICS = ["sport", "politics", "tech"]
TRAIN = [
    ("late goal wins the derby", 0), ("minister resigns over budget row", 1), ("new phone has a folding screen", 2),
    ("striker signs three year deal", 0), ("parliament votes on new tax", 1), ("chip maker unveils faster cpu", 2),
    ("coach sacked after defeat", 0), ("election date announced", 1), ("app update fixes battery drain", 2),
]
DEV = [
    ("keeper saves late penalty", 0), ("tax vote delayed again", 1), ("faster phone chip announced", 2),
    ("derby ends in a draw", 0), ("minister announces election", 1), ("battery update for the app", 2),
    ("striker injured before final", 0), ("new screen for the laptop", 2),
]


class Headlines(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([text for text, _ in rows], truncation=True, max_length=24)
        self.labels = [label for _, label in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i], "attention_mask": self.enc["attention_mask"][i],
                "labels": self.labels[i]}


def compute_metrics(eval_pred):
    logits, labels = eval_pred.predictions, eval_pred.label_ids
    preds = np.argmax(logits, axis=0)
    hits, seen = np.zeros(len(TOPICS)), np.zeros(len(TOPICS))
    for i in range(len(labels)):
        seen[labels[i]] += 1
        hits[labels[i]] += preds[i] == labels[i]
    recall = hits / np.maximum(seen, 1)
    return {f"recall_{topic}": float(r) for topic, r in zip(TOPICS, recall)} | {"macro_recall": float(recall.mean())}


workdir = tempfile.mkdtemp()
words = sorted({w for text, _ in TRAIN + DEV for w in text.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(os.path.join(workdir, "vocab.txt"))
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=32, num_labels=len(TOPICS)))
args = TrainingArguments(output_dir=workdir, report_to=[], num_train_epochs=1, per_device_train_batch_size=4,
                         per_device_eval_batch_size=4, eval_strategy="epoch", use_cpu=True, save_strategy="no",
                         disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=Headlines(TRAIN, tokenizer),
                  eval_dataset=Headlines(DEV, tokenizer), data_collator=DataCollatorWithPadding(tokenizer),
                  compute_metrics=compute_metrics)
trainer.train()
print(trainer.evaluate())
