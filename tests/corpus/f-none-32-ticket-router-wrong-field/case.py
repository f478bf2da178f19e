import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CATEGORY_NAMES = ["billing", "shipping", "returns", "technical", "account"]

WORDS = ["my", "order", "card", "refund", "package", "late", "password", "login", "charged",
         "twice", "broken", "screen", "return", "label", "invoice", "address", "reset", "app",
         "crash", "where", "is", "the", "i", "want", "to", "please", "help", "was", "not"]


@dataclass
class RunConfig:
    max_len: int = 16
    batch_size: int = 8
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 3


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def make_tickets(n, rng):
    tickets = []
    for i in range(n):
        cat = rng.randrange(len(CATEGORY_NAMES))
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        tickets.append({
            "ticket_id": 10_000 + i,
            "store_id": rng.choice([112, 245, 318, 407, 583]),
            "body": text,
            "category": cat,
        })
    return tickets


def batches(tickets, tokenizer, cfg):
    for start in range(0, len(tickets), cfg.batch_size):
        chunk = tickets[start:start + cfg.batch_size]
        enc = tokenizer([t["body"] for t in chunk], padding="max_length", truncation=True,
                        max_length=cfg.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([t["store_id"] for t in chunk], dtype=torch.long)
        yield enc


def main():
    cfg = RunConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                          num_labels=len(CATEGORY_NAMES))
    model = BertForSequenceClassification(bert_cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    train_tickets = make_tickets(48, rng)
    for epoch in range(cfg.epochs):
        rng.shuffle(train_tickets)
        model.train()
        total = 0.0
        for batch in batches(train_tickets, tokenizer, cfg):
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        probe = tokenizer(["my card was charged twice"], return_tensors="pt")
        pred = model(**probe).logits.argmax(-1).item()
    print("routed to:", CATEGORY_NAMES[pred])


if __name__ == "__main__":
    main()
