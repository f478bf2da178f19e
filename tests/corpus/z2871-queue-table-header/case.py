import csv
import io
import os
import random
from collections import Counter

import torch
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))

QUEUE_TABLE = """intent, queue, priority
order_status, logistics, 3
refund, billing, 2
damaged_item, claims, 1
account_locked, identity, 1
general_question, frontline, 4
"""

UTTERANCES = {
    "order_status": ["where is my package", "track order number", "has my parcel shipped"],
    "refund": ["i want a refund", "money back for my order", "return and refund please"],
    "damaged_item": ["the box arrived broken", "item is damaged", "screen was cracked on arrival"],
    "account_locked": ["my account is locked", "cannot log in anymore", "too many login attempts"],
    "general_question": ["what are your opening hours", "do you ship abroad", "question about sizes"],
}


def parse_queue_table(text):
    reader = csv.DictReader(io.StringIO(text))
    return {row["intent"]: row for row in reader}


def write_wordpiece_vocab(dirpath):
    words = Counter(w for us in UTTERANCES.values() for u in us for w in u.split())
    entries = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_file = os.path.join(dirpath, "support_vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(entries))
    return vocab_file


def make_encoder(tokenizer, max_len):
    def encode(texts):
        return tokenizer(texts, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")
    return encode


class SupportPredictor:
    def __init__(self, vocab_file, queue_rows, max_len=16):
        self.queue_rows = queue_rows
        self.labels = sorted(queue_rows)
        self.tokenizer = BertTokenizer(vocab_file)
        self.encode = make_encoder(self.tokenizer, max_len)
        cfg = DistilBertConfig(
            vocab_size=self.tokenizer.vocab_size,
            dim=32,
            n_layers=1,
            n_heads=2,
            hidden_dim=64,
            max_position_embeddings=max_len,
            num_labels=len(self.labels),
            pad_token_id=self.tokenizer.pad_token_id,
        )
        self.model = DistilBertForSequenceClassification(cfg)

    def label_index(self, intent):
        return self.labels.index(intent)

    def predict(self, texts):
        self.model.eval()
        with torch.no_grad():
            logits = self.model(**self.encode(texts)).logits
        intents = [self.labels[i] for i in logits.argmax(dim=-1).tolist()]
        routed = []
        for text, intent in zip(texts, intents):
            row = self.queue_rows[intent]
            routed.append({"text": text, "intent": intent, "queue": row["queue"], "priority": int(row["priority"])})
        return sorted(routed, key=lambda r: r["priority"])


def examples(seed):
    rng = random.Random(seed)
    pool = [(u, intent) for intent, us in UTTERANCES.items() for u in us]
    while True:
        rng.shuffle(pool)
        yield from pool


def train_predictor(predictor, steps=30, batch_size=8, seed=3):
    stream = examples(seed)
    opt = torch.optim.AdamW(predictor.model.parameters(), lr=2e-3)
    predictor.model.train()
    for step in range(1, steps + 1):
        pairs = [next(stream) for _ in range(batch_size)]
        enc = predictor.encode([p[0] for p in pairs])
        labels = torch.tensor([predictor.label_index(p[1]) for p in pairs])
        out = predictor.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    torch.manual_seed(42)
    queue_rows = parse_queue_table(QUEUE_TABLE)
    predictor = SupportPredictor(write_wordpiece_vocab(SCRIPT_DIR), queue_rows)
    train_predictor(predictor)
    inbox = ["the box arrived broken", "where is my package", "my account is locked", "do you ship abroad"]
    for r in predictor.predict(inbox):
        print(f"P{r['priority']} {r['queue']:<10} {r['intent']:<16} {r['text']}")
