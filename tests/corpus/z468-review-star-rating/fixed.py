"""Fine-tune a tiny BERT to predict the star rating of app-store reviews."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

REVIEWS = [
    ("app crashes every time i open the camera", 1),
    ("login broken after the update , useless", 1),
    ("too many ads , battery drain is terrible", 2),
    ("sync is slow but it works most days", 3),
    ("decent app , the dark mode is nice", 3),
    ("great design and fast , a few bugs left", 4),
    ("love the new widgets , very smooth", 5),
    ("best budgeting app i have used , five stars", 5),
    ("notifications stopped working , support ignored me", 2),
    ("solid update , search is much faster now", 4),
    ("works offline which is great for travel", 4),
    ("crashes on startup , please fix", 1),
] * 3

STAR_NAMES = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(path)


class ReviewDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, stars = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["labels"] = stars - 1
        return enc


tokenizer = build_tokenizer([t for t, _ in REVIEWS])
random.shuffle(REVIEWS)
split = int(0.8 * len(REVIEWS))
train_ds = ReviewDataset(REVIEWS[:split], tokenizer)
eval_ds = ReviewDataset(REVIEWS[split:], tokenizer)

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=64,
    num_labels=len(STAR_NAMES),
    id2label=dict(enumerate(STAR_NAMES)),
    label2id={n: i for i, n in enumerate(STAR_NAMES)},
)
model = BertForSequenceClassification(config)


def compute_metrics(pred):
    preds = pred.predictions.argmax(-1)
    return {"accuracy": float((preds == pred.label_ids).mean())}


args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    per_device_train_batch_size=8,
    per_device_eval_batch_size=8,
    num_train_epochs=2,
    learning_rate=5e-4,
    eval_strategy="epoch",
    save_strategy="no",
    logging_steps=5,
    report_to="none",
    seed=SEED,
    use_cpu=True,
)

trainer = Trainer(
    model=model,
    args=args,
    train_dataset=train_ds,
    eval_dataset=eval_ds,
    data_collator=DataCollatorWithPadding(tokenizer),
    compute_metrics=compute_metrics,
)
trainer.train()
print(trainer.evaluate())
