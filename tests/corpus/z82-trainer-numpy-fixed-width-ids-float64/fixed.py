"""Support-ticket triage (billing / bug / feature request) fine-tuned with the HF Trainer.

Tickets are encoded once into fixed-width numpy arrays so that the same arrays can be cached to disk and
reused by the ONNX export script.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments,
                          default_data_collator)

QUEUES = ["billing", "bug", "feature"]
TICKETS = [
    ("i was charged twice this month", "billing"),
    ("the app crashes when i upload a photo", "bug"),
    ("please add a dark mode", "feature"),
    ("refund for the cancelled plan", "billing"),
    ("export button does nothing", "bug"),
    ("would love keyboard shortcuts", "feature"),
    ("invoice shows the wrong address", "billing"),
    ("login page freezes on safari", "bug"),
]
WIDTH = 16


def fixed_width(values, width):
    row = np.zeros(width, dtype=np.int64)
    row[:len(values)] = values[:width]
    return row


def encode_ticket(tokenizer, text):
    ids = tokenizer.encode(text, truncation=True, max_length=WIDTH)
    return {"input_ids": fixed_width(ids, WIDTH), "attention_mask": fixed_width([1] * len(ids), WIDTH)}


class TicketDataset(Dataset):
    def __init__(self, tickets, tokenizer):
        self.rows = []
        for text, queue in tickets:
            row = encode_ticket(tokenizer, text)
            row["labels"] = QUEUES.index(queue)
            self.rows.append(row)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="triage-")
    vocab = os.path.join(workdir, "vocab.txt")
    with open(vocab, "w") as fh:
        words = sorted({w for t, _ in TICKETS for w in t.split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(QUEUES)))
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, max_steps=4,
                             learning_rate=1e-3, report_to=[], use_cpu=True, save_strategy="no", seed=0,
                             disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=TicketDataset(TICKETS, tokenizer),
                      data_collator=default_data_collator)
    result = trainer.train()
    print(f"trained {result.global_step} steps, loss {result.training_loss:.3f}")


if __name__ == "__main__":
    main()
