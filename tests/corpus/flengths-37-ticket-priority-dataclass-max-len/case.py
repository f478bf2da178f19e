import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

PRIORITY = ["low", "normal", "urgent"]
CUES = {0: ["question", "howto", "docs"], 1: ["error", "slow", "login"], 2: ["outage", "down", "breach"]}
FILLER = ["the", "our", "server", "app", "please", "help", "since", "today", "team", "users"]


@dataclass
class TriageSettings:
    max_len: int = 256
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 2


class TicketTriager(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        self.encoder = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64))
        self.head = nn.Linear(32, n_classes)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])


def build_tokenizer():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER + sum(CUES.values(), [])
    with open(path, "w") as f:
        f.write("\n".join(words) + "\n")
    return BertTokenizer(path)


def fake_tickets(n, rnd):
    out = []
    for _ in range(n):
        y = rnd.randrange(len(PRIORITY))
        out.append((" ".join(rnd.choices(FILLER + CUES[y], k=rnd.randint(6, 20))), y))
    return out


def main():
    torch.manual_seed(0)
    cfg = TriageSettings()
    tokenizer = build_tokenizer()
    tickets = fake_tickets(48, random.Random(5))
    model = TicketTriager(tokenizer.vocab_size, len(PRIORITY))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(cfg.epochs):
        rnd = random.Random(epoch)
        rnd.shuffle(tickets)
        for i in range(0, len(tickets), cfg.batch_size):
            texts, ys = zip(*tickets[i:i + cfg.batch_size])
            enc = tokenizer(list(texts), max_length=cfg.max_len, truncation=True,
                            padding="max_length", return_tensors="pt")
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = loss_fn(logits, torch.tensor(ys))
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
