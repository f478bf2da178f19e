import csv
import io
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

INTENTS_CSV = """intent,queue,sla_hours
billing_dispute,finance,24
password_reset,identity,4
shipping_delay,logistics,48
cancel_subscription,retention,12
bug_report,engineering,72
"""

PHRASES = {
    "billing_dispute": ["i was charged twice for my invoice", "refund the extra charge on my card",
                        "my bill shows a wrong amount this month"],
    "password_reset": ["i cannot log in to my account", "reset my password please",
                       "the login link expired and i am locked out"],
    "shipping_delay": ["my order has not arrived yet", "where is my package it is late",
                       "tracking shows no update for a week"],
    "cancel_subscription": ["please cancel my subscription", "i want to stop the monthly plan",
                            "how do i close my account and stop billing"],
    "bug_report": ["the app crashes when i open settings", "export button does nothing",
                   "page shows an error after the update"],
}
FILLERS = ["hello", "hi", "thanks", "urgent", "again", "today", "team", "asap"]


def load_intents(raw):
    rows = list(csv.DictReader(io.StringIO(raw)))
    label2id = {r["intent"]: i for i, r in enumerate(rows)}
    routing = {r["intent"]: (r["queue"], int(r["sla_hours"])) for r in rows}
    return label2id, routing


def write_vocab(path):
    words = set(FILLERS)
    for texts in PHRASES.values():
        for t in texts:
            words.update(t.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def synth_tickets(n, rng):
    out = []
    for _ in range(n):
        intent = rng.choice(list(PHRASES))
        body = rng.choice(PHRASES[intent])
        extra = " ".join(rng.choice(FILLERS) for _ in range(rng.randint(0, 4)))
        out.append(((extra + " " + body).strip(), intent))
    return out


def encode(tokenizer, text, max_len=48):
    enc = tokenizer(text, truncation=True, max_length=max_len, return_tensors="pt")
    return {k: v.squeeze(0) for k, v in enc.items()}


class TicketDataset(Dataset):
    def __init__(self, tickets, tokenizer, label2id):
        self.tickets = tickets
        self.tokenizer = tokenizer
        self.label2id = label2id

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, idx):
        text, intent = self.tickets[idx]
        item = encode(self.tokenizer, text)
        item["labels"] = torch.tensor(self.label2id[intent])
        return item


class TicketPredictor:
    def __init__(self, vocab_path, label2id, routing):
        self.tokenizer = BertTokenizer(vocab_path)
        self.label2id = label2id
        self.id2label = {v: k for k, v in label2id.items()}
        self.routing = routing
        config = BertConfig(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(label2id),
            id2label=self.id2label,
            label2id=label2id,
        )
        self.model = BertForSequenceClassification(config)

    @torch.no_grad()
    def route(self, text):
        self.model.eval()
        batch = {k: v.unsqueeze(0) for k, v in encode(self.tokenizer, text).items()}
        logits = self.model(**batch).logits
        intent = self.id2label[int(logits.argmax(-1))]
        queue, sla = self.routing[intent]
        return {"intent": intent, "queue": queue, "sla_hours": sla}


def train(predictor, tickets, epochs=2, batch_size=8, lr=3e-4):
    ds = TicketDataset(tickets, predictor.tokenizer, predictor.label2id)
    loader = DataLoader(ds, batch_size=batch_size, shuffle=True)
    opt = torch.optim.AdamW(predictor.model.parameters(), lr=lr)
    predictor.model.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            out = predictor.model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


def main():
    random.seed(7)
    torch.manual_seed(7)
    vocab_path = os.path.join(HERE, "support_vocab.txt")
    write_vocab(vocab_path)
    label2id, routing = load_intents(INTENTS_CSV)
    predictor = TicketPredictor(vocab_path, label2id, routing)

    rng = random.Random(11)
    tickets = synth_tickets(64, rng)
    print("smoke test:", predictor.route(tickets[0][0]))
    train(predictor, tickets)

    for text in ["hi my package is late again", "reset my password asap"]:
        print(text, "->", predictor.route(text))


if __name__ == "__main__":
    main()
