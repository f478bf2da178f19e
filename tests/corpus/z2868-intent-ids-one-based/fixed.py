import csv
import io
import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

INTENT_SCHEME_CSV = """intent_id,intent,queue,sla_hours
1,billing_dispute,finance,24
2,password_reset,it_helpdesk,4
3,shipping_delay,logistics,48
4,cancel_subscription,retention,12
5,bug_report,engineering,72
"""

TEMPLATES = {
    "billing_dispute": ["i was charged twice for my {x}", "the invoice for my {x} is wrong", "refund the extra charge on my {x}"],
    "password_reset": ["i cannot log in to my {x}", "reset the password for my {x}", "locked out of my {x} again"],
    "shipping_delay": ["my {x} has not arrived yet", "where is my {x} order", "the {x} delivery is late"],
    "cancel_subscription": ["please cancel my {x} plan", "i want to stop my {x} subscription", "end the {x} membership"],
    "bug_report": ["the {x} page crashes on save", "error when i open the {x}", "the {x} app freezes"],
}
OBJECTS = ["account", "laptop", "phone", "printer", "dashboard", "router"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class IntentScheme:
    label2id: dict
    queues: dict
    sla: dict = field(default_factory=dict)

    @property
    def id2label(self):
        return {v: k for k, v in self.label2id.items()}


def load_scheme(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    label2id = {r["intent"]: int(r["intent_id"]) - 1 for r in rows}
    queues = {r["intent"]: r["queue"] for r in rows}
    sla = {r["intent"]: int(r["sla_hours"]) for r in rows}
    return IntentScheme(label2id, queues, sla)


def synth_tickets(n, seed=0):
    rng = random.Random(seed)
    intents = list(TEMPLATES)
    out = []
    for _ in range(n):
        intent = rng.choice(intents)
        text = rng.choice(TEMPLATES[intent]).format(x=rng.choice(OBJECTS))
        out.append((text, intent))
    return out


def write_vocab(path):
    words = set(OBJECTS)
    for temps in TEMPLATES.values():
        for t in temps:
            words.update(w for w in t.split() if w != "{x}")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + sorted(words)) + "\n")
    return path


class TicketDataset(Dataset):
    def __init__(self, tickets, scheme):
        self.tickets = tickets
        self.scheme = scheme

    def __len__(self):
        return len(self.tickets)

    def __getitem__(self, i):
        text, intent = self.tickets[i]
        return {"text": text, "label": self.scheme.label2id[intent]}


class IntentPredictor:
    def __init__(self, vocab_path, scheme, max_len=24):
        self.scheme = scheme
        self.max_len = max_len
        self.tokenizer = BertTokenizer(vocab_path)
        cfg = BertConfig(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=len(scheme.label2id),
            id2label=scheme.id2label,
            label2id=scheme.label2id,
        )
        self.model = BertForSequenceClassification(cfg)

    def encode(self, texts):
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_len, return_tensors="pt")

    def collate(self, items):
        enc = self.encode([it["text"] for it in items])
        enc["labels"] = torch.tensor([it["label"] for it in items])
        return enc

    @torch.no_grad()
    def predict(self, texts):
        self.model.eval()
        logits = self.model(**self.encode(texts)).logits
        best = logits.argmax(-1).tolist()
        id2label = self.model.config.id2label
        return [(t, id2label[b], self.scheme.queues[id2label[b]]) for t, b in zip(texts, best)]


def train(predictor, tickets, epochs=2, batch_size=8, lr=3e-4):
    ds = TicketDataset(tickets, predictor.scheme)
    loader = DataLoader(ds, batch_size=batch_size, shuffle=True, collate_fn=predictor.collate,
                        generator=torch.Generator().manual_seed(0))
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
    torch.manual_seed(0)
    scheme = load_scheme(INTENT_SCHEME_CSV)
    vocab_path = write_vocab(os.path.join(HERE, "ticket_vocab.txt"))
    predictor = IntentPredictor(vocab_path, scheme)
    tickets = synth_tickets(96)
    train(predictor, tickets)
    incoming = ["my router has not arrived yet", "the dashboard page crashes on save"]
    for text, intent, queue in predictor.predict(incoming):
        print(f"{text!r} -> {intent} ({queue}, sla {scheme.sla[intent]}h)")


if __name__ == "__main__":
    main()
