import csv
import io
import os

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

INTENT_SCHEME = """label,intent
0,order_status
1,refund
2,technical_issue
3,account_change
4,complaint
"""

ROUTING_TABLE = """intent,queue,note
order_status,tier1,Check carrier before replying
refund,billing,"Refunds, chargebacks and store credit"
technical_issue,tier2,Attach logs if provided
account_change,tier1,Verify identity first
complaint,escalations,"Respond within 4h, loop in team lead"
"""

CUES = {
    "order_status": ["where", "order", "shipped", "tracking"],
    "refund": ["refund", "money", "return", "chargeback"],
    "technical_issue": ["crash", "bug", "error", "app"],
    "account_change": ["email", "address", "name", "update"],
    "complaint": ["angry", "terrible", "worst", "manager"],
}
NOISE = ["my", "the", "is", "please", "i", "want", "to", "a", "and", "your", "it", "now"]
MAX_LEN = 24


def read_scheme(text):
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return {int(lbl): name for lbl, name in reader}


def read_routing(text):
    routes = {}
    reader = csv.reader(io.StringIO(text.strip()))
    next(reader)
    for intent, queue, note in reader:
        routes[intent] = {"queue": queue, "note": note.strip('"')}
    return routes


def prepare_tokenizer(dirname):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for ws in CUES.values() for w in ws} | set(NOISE))
    path = os.path.join(dirname, "tickets.vocab")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizer(path, do_lower_case=True)


def encode(tokenizer, texts):
    enc = tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def fake_corpus(id2intent, n, rng):
    texts, labels = [], []
    for _ in range(n):
        y = int(rng.integers(len(id2intent)))
        toks = list(rng.choice(CUES[id2intent[y]], 2, replace=False)) + list(rng.choice(NOISE, rng.integers(2, 8)))
        rng.shuffle(toks)
        texts.append(" ".join(toks))
        labels.append(y)
    return texts, torch.tensor(labels)


def train(model, tokenizer, texts, labels, epochs=2):
    ids, mask = encode(tokenizer, texts)
    loader = DataLoader(TensorDataset(ids, mask, labels), batch_size=10, shuffle=True)
    optim = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(epochs):
        model.train()
        seen, correct = 0, 0
        for b_ids, b_mask, b_y in loader:
            out = model(input_ids=b_ids, attention_mask=b_mask, labels=b_y)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            correct += (out.logits.argmax(-1) == b_y).sum().item()
            seen += len(b_y)
        print(f"epoch {epoch}: train acc {correct / seen:.2f}")


class Predictor:
    def __init__(self, model, tokenizer, id2intent, routing_csv):
        self.model = model
        self.tokenizer = tokenizer
        self.id2intent = id2intent
        self.routes = read_routing(routing_csv)

    def predict(self, texts):
        self.model.eval()
        ids, mask = encode(self.tokenizer, texts)
        with torch.no_grad():
            probs = torch.softmax(self.model(input_ids=ids, attention_mask=mask).logits, dim=-1)
        results = []
        for text, p in zip(texts, probs):
            intent = self.id2intent[int(p.argmax())]
            results.append({"text": text, "intent": intent, "score": float(p.max()), **self.routes[intent]})
        return results


def main():
    torch.manual_seed(11)
    rng = np.random.default_rng(11)
    id2intent = read_scheme(INTENT_SCHEME)
    tokenizer = prepare_tokenizer(os.path.dirname(os.path.abspath(__file__)))

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_LEN,
                     num_labels=len(id2intent))
    model = BertForSequenceClassification(cfg)
    texts, labels = fake_corpus(id2intent, 100, rng)
    train(model, tokenizer, texts, labels)

    predictor = Predictor(model, tokenizer, id2intent, ROUTING_TABLE)
    for r in predictor.predict(["where is my order tracking", "the app crash error now", "i want a refund"]):
        print(f"{r['intent']:<16} {r['queue']:<12} {r['score']:.2f}  {r['note']}")


if __name__ == "__main__":
    main()
