"""Fine-tune a tiny BERT to predict helpdesk ticket priority with the HF Trainer, driven by a JSON task config."""
import json
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

DEFAULTS = {"num_labels": 3, "max_length": 32, "batch_size": 4, "lr": 5e-4, "epochs": 1}
TASK_CONFIG = {
    "name": "ticket-priority",
    "labels": ["low", "normal", "high", "urgent"],
    "num_labels": 4,
    "batch_size": 4,
}
TICKETS = [
    ("printer on floor two is out of toner", "low"), ("cannot log in to the vpn", "high"),
    ("production database is down for all customers", "urgent"), ("please update my desk phone number", "low"),
    ("laptop fan is noisy", "normal"), ("payment page returns an error for everyone", "urgent"),
    ("outlook keeps asking for my password", "normal"), ("shared drive is read only since this morning", "high"),
]


def load_config(path):
    with open(path) as fh:
        task = json.load(fh)
    return {**DEFAULTS, **task}


class TicketDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, labels, max_length):
        self.enc = tokenizer([text for text, _ in rows], truncation=True, max_length=max_length)
        self.targets = [labels.index(priority) for _, priority in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i], "attention_mask": self.enc["attention_mask"][i],
                "labels": self.targets[i]}


def main():
    workdir = tempfile.mkdtemp()
    config_path = os.path.join(workdir, "task.json")
    with open(config_path, "w") as fh:
        json.dump(TASK_CONFIG, fh)
    cfg = load_config(config_path)

    vocab_path = os.path.join(workdir, "vocab.txt")
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(vocab_path)

    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=cfg["num_labels"]))
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), report_to=[], use_cpu=True,
                             num_train_epochs=cfg["epochs"], per_device_train_batch_size=cfg["batch_size"],
                             learning_rate=cfg["lr"], save_strategy="no", disable_tqdm=True, seed=0)
    trainer = Trainer(model=model, args=args,
                      train_dataset=TicketDataset(TICKETS, tokenizer, cfg["labels"], cfg["max_length"]),
                      data_collator=DataCollatorWithPadding(tokenizer))
    metrics = trainer.train().metrics
    print(f"{cfg['name']}: train loss {metrics['train_loss']:.4f}")


if __name__ == "__main__":
    main()
