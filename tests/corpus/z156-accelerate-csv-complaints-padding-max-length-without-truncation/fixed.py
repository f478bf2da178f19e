"""Escalation classifier for customer complaints exported from the CRM (semicolon CSV), trained with Accelerate."""
import csv
import io
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

MAX_LEN = 16
CRM_EXPORT = """ticket;channel;text;escalate
T-101;email;the invoice amount is wrong again;1
T-102;chat;how do i reset my pin;0
T-103;phone;your engineer missed the appointment twice and nobody called me back so i had to take another day off work;1
T-104;email;thanks the issue is solved;0
T-105;chat;the app logs me out every few minutes;0
T-106;email;i was charged after cancelling my contract;1
T-107;phone;i want to speak to a manager today;1
T-108;chat;where can i download my bill;0
"""


def read_export(raw):
    reader = csv.reader(io.StringIO(raw), delimiter=";")
    next(reader)
    return [(text, int(flag)) for _, _, text, flag in reader]


class ComplaintSet(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for text, flag in rows:
            enc = tokenizer(text, padding="max_length", truncation=True, max_length=MAX_LEN)
            self.items.append((enc["input_ids"], enc["attention_mask"], flag))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    ids, masks, flags = zip(*batch)
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(masks), "labels": torch.tensor(flags)}


def main():
    torch.manual_seed(0)
    rows = read_export(CRM_EXPORT)
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        words = sorted({w for text, _ in rows for w in text.split()})
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))

    accelerator = Accelerator(cpu=True)
    model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                     num_attention_heads=2, intermediate_size=64,
                                                     max_position_embeddings=64, num_labels=2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(ComplaintSet(rows, tokenizer), batch_size=4, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        for batch in loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
