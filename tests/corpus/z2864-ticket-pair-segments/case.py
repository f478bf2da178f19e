"""Support ticket router: classifies (subject, body) pairs into intents.

Runs a short fine-tuning pass on synthetic tickets, then serves predictions
through a small Predictor wrapper that shares the encoding logic with training.
"""
import csv
import io
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
MAX_LEN = 48
HERE = os.path.dirname(os.path.abspath(__file__))

INTENTS_CSV = """intent,queue,sla_hours
billing_dispute,finance,24
refund_request,finance,48
password_reset,identity,4
account_locked,identity,2
shipping_delay,logistics,72
damaged_item,logistics,48
"""

SUBJECT_WORDS = {
    "billing_dispute": ["charged", "twice", "invoice", "wrong"],
    "refund_request": ["refund", "money", "back", "return"],
    "password_reset": ["password", "reset", "forgot", "link"],
    "account_locked": ["locked", "account", "blocked", "login"],
    "shipping_delay": ["late", "order", "tracking", "delay"],
    "damaged_item": ["broken", "damaged", "box", "arrived"],
}
FILLER = ["hi", "please", "help", "my", "the", "is", "not", "thanks", "today", "since", "week", "again"]

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=1,
    hidden_dropout_prob=0.0,
    attention_probs_dropout_prob=0.0,
)


def load_label_scheme(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    label2id = {r["intent"]: i for i, r in enumerate(rows)}
    queues = {r["intent"]: r["queue"] for r in rows}
    return label2id, queues


def write_vocab(path):
    words = sorted({w for ws in SUBJECT_WORDS.values() for w in ws} | set(FILLER))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def synth_tickets(n, rng):
    out = []
    intents = list(SUBJECT_WORDS)
    for _ in range(n):
        intent = rng.choice(intents)
        kw = SUBJECT_WORDS[intent]
        subject = " ".join(rng.sample(kw, 2))
        body = " ".join(rng.choice(FILLER + kw) for _ in range(rng.randint(6, 14)))
        out.append({"subject": subject, "body": body, "intent": intent})
    return out


def encode(tokenizer, subjects, bodies):
    return tokenizer(
        subjects,
        bodies,
        padding=True,
        truncation="only_second",
        max_length=MAX_LEN,
        return_tensors="pt",
    )


class TicketSet(Dataset):
    def __init__(self, tickets, label2id):
        self.tickets = tickets
        self.label2id = label2id

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, idx):
        t = self.tickets[idx]
        return t["subject"], t["body"], self.label2id[t["intent"]]


def make_collate(tokenizer):
    def collate(items):
        subjects, bodies, labels = zip(*items)
        batch = encode(tokenizer, list(subjects), list(bodies))
        batch["labels"] = torch.tensor(labels)
        return batch
    return collate


def train(model, tokenizer, tickets, label2id, epochs=2):
    loader = DataLoader(TicketSet(tickets, label2id), batch_size=16, shuffle=True,
                        collate_fn=make_collate(tokenizer))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for epoch in range(epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


class Predictor:
    def __init__(self, model, tokenizer, label2id, queues):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.id2label = {v: k for k, v in label2id.items()}
        self.queues = queues

    @torch.no_grad()
    def route(self, subject, body):
        enc = encode(self.tokenizer, [subject], [body])
        probs = self.model(**enc).logits.softmax(-1)[0]
        conf, idx = probs.max(-1)
        intent = self.id2label[int(idx)]
        return {"intent": intent, "queue": self.queues[intent], "confidence": round(float(conf), 3)}


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = random.Random(SEED)

    label2id, queues = load_label_scheme(INTENTS_CSV)
    vocab_path = os.path.join(HERE, "vocab.txt")
    vocab_size = write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=vocab_size, num_labels=len(label2id), **MODEL_CFG)
    model = BertForSequenceClassification(config)

    tickets = synth_tickets(160, rng)
    train(model, tokenizer, tickets, label2id)

    predictor = Predictor(model, tokenizer, label2id, queues)
    print(predictor.route("password forgot", "hi please help my reset link is not working"))
    print(predictor.route("order late", "tracking is not updated since last week"))


if __name__ == "__main__":
    main()
