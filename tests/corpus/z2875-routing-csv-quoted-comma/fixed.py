import csv
import io
import os
import random
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SCHEME_CSV = """intent,queue,auto_reply
order_status,fulfilment,Your order is on its way.
refund,billing,"We have received your refund request, an agent will confirm within 2 days."
login_problem,identity,Use the reset link on the sign-in page.
plan_upgrade,sales,A sales rep will contact you shortly.
"""

UTTERANCES = {
    "order_status": ["where is my order", "has my order shipped", "order tracking not updating"],
    "refund": ["i want my money back", "refund my last payment", "charged but want a refund"],
    "login_problem": ["cannot sign in", "password not working", "locked out of my account"],
    "plan_upgrade": ["upgrade to the business plan", "how much is the pro plan", "add more seats to my plan"],
}


@dataclass
class Ticket:
    ticket_id: int
    body: str
    intent: str


def intent_names(raw):
    lines = io.StringIO(raw).read().strip().splitlines()
    return [line.split(",")[0] for line in lines[1:]]


def build_vocab_file(path):
    words = sorted({w for us in UTTERANCES.values() for u in us for w in u.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + words) + "\n")


def encode(tokenizer, bodies, max_length=16):
    return tokenizer(bodies, padding="max_length", truncation=True, max_length=max_length, return_tensors="pt")


class SupportRouter:
    def __init__(self, vocab_file, scheme_csv):
        self.scheme_csv = scheme_csv
        self.intents = intent_names(scheme_csv)
        self.tok = BertTokenizer(vocab_file)
        conf = BertConfig(vocab_size=self.tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                          num_labels=len(self.intents))
        self.net = BertForSequenceClassification(conf)
        self._replies = None

    def replies(self):
        if self._replies is None:
            table = {}
            for line in io.StringIO(self.scheme_csv).read().strip().splitlines()[1:]:
                intent, queue, reply = next(csv.reader([line]))
                table[intent] = (queue, reply)
            self._replies = table
        return self._replies

    def route(self, bodies):
        self.net.eval()
        enc = encode(self.tok, bodies)
        with torch.no_grad():
            idx = self.net(**enc).logits.argmax(dim=-1)
        out = []
        for body, i in zip(bodies, idx.tolist()):
            intent = self.intents[i]
            queue, reply = self.replies()[intent]
            out.append({"body": body, "intent": intent, "queue": queue, "reply": reply})
        return out


def make_tickets(n, seed):
    rng = random.Random(seed)
    names = list(UTTERANCES)
    return [Ticket(i, rng.choice(UTTERANCES[name]), name) for i, name in
            ((i, rng.choice(names)) for i in range(n))]


def train_router(router, tickets, epochs=3):
    enc = encode(router.tok, [t.body for t in tickets])
    y = torch.tensor([router.intents.index(t.intent) for t in tickets])
    ds = TensorDataset(enc["input_ids"], enc["attention_mask"], y)
    dl = DataLoader(ds, batch_size=10, shuffle=True, generator=torch.Generator().manual_seed(0))
    opt = torch.optim.SGD(router.net.parameters(), lr=0.05, momentum=0.9)
    router.net.train()
    for ep in range(epochs):
        seen, correct = 0, 0
        for ids, mask, labels in dl:
            out = router.net(input_ids=ids, attention_mask=mask, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            correct += (out.logits.argmax(-1) == labels).sum().item()
            seen += len(labels)
        print(f"epoch {ep}: train acc {correct / seen:.2f}")


def main():
    torch.manual_seed(5)
    vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "router_vocab.txt")
    build_vocab_file(vocab_file)
    router = SupportRouter(vocab_file, SCHEME_CSV)
    train_router(router, make_tickets(80, seed=21))
    for r in router.route(["where is my order", "refund my last payment", "cannot sign in"]):
        print(f"{r['intent']:>14} -> {r['queue']:<10} | {r['reply']}")


if __name__ == "__main__":
    main()
