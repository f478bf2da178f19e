"""Support-ticket triage: predict the priority (P1-P4) of a ticket with a small ELECTRA and the HF Trainer."""
import csv
import io
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import BertTokenizer, ElectraConfig, ElectraForSequenceClassification, Trainer, TrainingArguments

TICKETS = """ticket,priority,subject
T-101,1,production database is down
T-102,3,typo on the pricing page
T-103,2,checkout fails for some users
T-104,4,feature request dark mode
T-105,1,all logins are failing
T-106,3,export button misaligned
T-107,2,emails arrive hours late
T-108,4,question about invoices
"""
PRIORITIES = 4
SEQ_LEN = 12


class TicketDataset(Dataset):
    def __init__(self, csv_text, tokenizer):
        rows = list(csv.DictReader(io.StringIO(csv_text)))
        self.encodings = tokenizer([r["subject"] for r in rows], padding="max_length", truncation=True,
                                   max_length=SEQ_LEN, return_tensors="pt")
        self.priority = [int(r["priority"]) for r in rows]

    def __len__(self):
        return len(self.priority)

    def __getitem__(self, idx):
        return {"input_ids": self.encodings["input_ids"][idx],
                "attention_mask": self.encodings["attention_mask"][idx],
                "labels": self.priority[idx]}


workdir = tempfile.mkdtemp()
words = sorted({w for line in TICKETS.splitlines()[1:] for w in line.split(",")[2].split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

torch.manual_seed(0)
model = ElectraForSequenceClassification(ElectraConfig(
    vocab_size=len(tokenizer), embedding_size=16, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=32, num_labels=PRIORITIES))
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=4, num_train_epochs=1, learning_rate=3e-4,
                         report_to=[], use_cpu=True, save_strategy="no", disable_tqdm=True, seed=0)
trainer = Trainer(model=model, args=args, train_dataset=TicketDataset(TICKETS, tokenizer))
trainer.train()
print("final loss", trainer.state.log_history[-1]["train_loss"])
