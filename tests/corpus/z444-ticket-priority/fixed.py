"""Fine-tune a tiny BERT to triage support tickets by priority (1 = low ... 5 = urgent)."""
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

# (ticket text, priority from the helpdesk export)
TICKETS = [
    ("cannot log in to my account since this morning", 4),
    ("how do i change the email on my profile", 1),
    ("payment was charged twice please refund", 4),
    ("the whole dashboard is down for our team", 5),
    ("question about the invoice layout", 2),
    ("password reset email never arrives", 3),
    ("feature request dark mode for the app", 1),
    ("export to csv gives an empty file", 3),
    ("production api returns errors for all customers", 5),
    ("refund still not received after two weeks", 4),
    ("where can i find the invoice for last month", 2),
    ("app crashes when i upload a photo", 3),
    ("our account was locked and payroll is due today", 5),
    ("typo on the pricing page", 1),
    ("cannot change the billing address", 2),
    ("sync between devices stopped working", 3),
]
NUM_PRIORITIES = 5


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(path)


class TicketDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, priority = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["labels"] = priority - 1  # helpdesk priorities are 1-based
        return enc


def main():
    tokenizer = build_tokenizer([t for t, _ in TICKETS])
    random.shuffle(TICKETS)
    split = int(0.75 * len(TICKETS))
    train_ds = TicketDataset(TICKETS[:split], tokenizer)
    eval_ds = TicketDataset(TICKETS[split:], tokenizer)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=64,
        num_labels=NUM_PRIORITIES,
    )
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        num_train_epochs=1,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
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
    )
    trainer.train()
    metrics = trainer.evaluate()
    print(f"eval loss: {metrics['eval_loss']:.4f}")


if __name__ == "__main__":
    main()
