import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

QUEUES = ["billing", "login", "shipping", "bug"]
SNIPPETS = {
    "billing": ["charged twice this month", "refund for my invoice", "card payment declined"],
    "login": ["cannot reset my password", "two factor code never arrives", "account locked after login"],
    "shipping": ["parcel has not arrived", "tracking number shows nothing", "wrong delivery address"],
    "bug": ["app crashes on startup", "export button does nothing", "page shows blank screen"],
}


def fake_ticket(queue_idx):
    text = random.choice(SNIPPETS[QUEUES[queue_idx]])
    # three annotators each give a confidence per queue
    ratings = []
    for _ in range(3):
        row = np.random.dirichlet(np.ones(len(QUEUES)) * 0.5) * 0.4
        row[queue_idx] += 0.6
        ratings.append(row.round(2).tolist())
    return {"text": text, "ratings": ratings}


tickets = [fake_ticket(i % len(QUEUES)) for i in range(64)]

workdir = tempfile.mkdtemp()
vocab = sorted({w for t in tickets for w in t["text"].split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


def consensus_queue(ticket):
    scores = np.array(ticket["ratings"])
    return int(np.argmax(scores))


class TicketDataset(Dataset):
    def __init__(self, rows):
        self.enc = tokenizer([r["text"] for r in rows], padding="max_length",
                             max_length=16, truncation=True)
        self.targets = [consensus_queue(r) for r in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(QUEUES))
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=16,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=4,
    save_strategy="no",
    report_to=[],
    disable_tqdm=True,
    use_cpu=True,
)
trainer = Trainer(model=model, args=args, train_dataset=TicketDataset(tickets[:48]),
                  eval_dataset=TicketDataset(tickets[48:]))
trainer.train()
print(trainer.evaluate())
