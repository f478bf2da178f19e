"""Route citizen hotline tickets to the right city department.

Fine-tunes a tiny BERT classifier on synthetic ticket text with accelerate.
"""
import argparse
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

DEPARTMENTS = ["sanitation", "roads", "water", "parks", "noise"]

PHRASES = {
    "sanitation": ["trash not collected", "overflowing bin", "missed recycling pickup"],
    "roads": ["pothole on street", "broken traffic light", "faded crosswalk paint"],
    "water": ["low water pressure", "burst pipe flooding", "brown tap water"],
    "parks": ["broken swing", "fallen tree branch", "playground graffiti"],
    "noise": ["loud party late", "construction at night", "barking dog all day"],
}
FILLER = ["please", "help", "since", "monday", "near", "my", "house", "again", "urgent", "thanks"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--max-len", type=int, default=24)
    p.add_argument("--n-tickets", type=int, default=120)
    return p.parse_args()


def make_tickets(n, seed=7):
    rng = random.Random(seed)
    tickets = []
    for _ in range(n):
        dept = rng.choice(DEPARTMENTS)
        text = rng.choice(PHRASES[dept]) + " " + " ".join(rng.sample(FILLER, 3))
        tickets.append({"text": text, "department": dept})
    return tickets


def write_vocab(tickets, folder):
    words = sorted({w for t in tickets for w in t["text"].split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class TicketDataset(Dataset):
    def __init__(self, tickets, dept_to_id):
        self.tickets = tickets
        self.dept_to_id = dept_to_id

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, i):
        t = self.tickets[i]
        return t["text"], self.dept_to_id[t["department"]]


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.long)
        return enc
    return collate


def main():
    args = parse_args()
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)

    tickets = make_tickets(args.n_tickets)
    dept_to_id = {name: idx for idx, name in enumerate(DEPARTMENTS)}

    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tickets, tmp))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(DEPARTMENTS),
    )
    model = BertForSequenceClassification(config)

    loader = DataLoader(
        TicketDataset(tickets, dept_to_id),
        batch_size=args.batch_size,
        shuffle=True,
        collate_fn=make_collate(tokenizer, args.max_len),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(args.epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / len(loader):.4f}")

    model.eval()
    sample = tokenizer(["pothole on street please help"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**sample).logits.argmax(-1).item()
    id_to_dept = {v: k for k, v in dept_to_id.items()}
    accelerator.print("predicted department:", id_to_dept.get(pred, "?"))


if __name__ == "__main__":
    main()
