import csv
import io
import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

WORKDIR = os.path.dirname(os.path.abspath(__file__))

ROUTING_CSV = """intent,team
refund,payments
invoice_copy,payments
login_issue,accounts
address_change,accounts
outage,noc
feature_request,product
"""

CHANNELS_CSV = """channel,weight
email,1.0
chat,1.2
phone,1.5
web_form,0.8
"""

CHANNELS = ("email", "chat", "phone")

PHRASES = {
    "refund": "i need my money back for order",
    "invoice_copy": "send me a copy of the invoice for",
    "login_issue": "i can not sign in since",
    "address_change": "please update my shipping address before",
    "outage": "the service is down for everyone since",
    "feature_request": "it would be great to have export for",
}
FILLERS = ["monday", "yesterday", "today", "last week", "the update", "march"]


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def build_vocab_file(path):
    tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
    for p in list(PHRASES.values()) + FILLERS:
        tokens.update(p.split())
    ordered = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tokens - {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"})
    with open(path, "w") as f:
        f.write("\n".join(ordered) + "\n")
    return path


def ticket_stream(n, channel_names, seed=7):
    rng = random.Random(seed)
    intents = list(PHRASES)
    for _ in range(n):
        intent = rng.choice(intents)
        yield {
            "body": f"{PHRASES[intent]} {rng.choice(FILLERS)}",
            "channel": rng.choice(channel_names),
            "intent": intent,
        }


def batched(it, size):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


class RouterNet(nn.Module):
    def __init__(self, cfg, n_intents):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size + len(CHANNELS), n_intents)

    def forward(self, input_ids, attention_mask, channel_feats):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        x = torch.cat([self.dropout(pooled), channel_feats], dim=-1)
        return self.head(x)


class TicketRouter:
    def __init__(self, vocab_file, routing_rows, channel_rows):
        self.intents = [r["intent"] for r in routing_rows]
        self.team_of = {r["intent"]: r["team"] for r in routing_rows}
        self.channel_index = {r["channel"]: i for i, r in enumerate(channel_rows)}
        self.channel_weight = np.array([float(r["weight"]) for r in channel_rows], dtype=np.float32)
        self.tok = BertTokenizer(vocab_file)
        cfg = BertConfig(vocab_size=self.tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.net = RouterNet(cfg, len(self.intents))

    def encode(self, tickets):
        enc = self.tok([t["body"] for t in tickets], padding="longest", truncation=True,
                       max_length=32, return_tensors="pt")
        onehot = np.zeros((len(tickets), len(self.channel_index)), dtype=np.float32)
        for row, t in enumerate(tickets):
            onehot[row, self.channel_index[t["channel"]]] = 1.0
        onehot *= self.channel_weight
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "channel_feats": torch.from_numpy(onehot)}

    def route(self, tickets):
        self.net.eval()
        with torch.no_grad():
            probs = F.softmax(self.net(**self.encode(tickets)), dim=-1)
        conf, idx = probs.max(dim=-1)
        return [(self.intents[i], self.team_of[self.intents[i]], round(c, 3))
                for i, c in zip(idx.tolist(), conf.tolist())]


def fit(router, n_tickets=120, batch_size=8, epochs=2):
    opt = torch.optim.Adam(router.net.parameters(), lr=5e-4)
    label_of = {name: i for i, name in enumerate(router.intents)}
    channels = list(router.channel_index)
    for ep in range(epochs):
        router.net.train()
        losses = []
        for chunk in batched(ticket_stream(n_tickets, channels, seed=ep), batch_size):
            feats = router.encode(chunk)
            target = torch.tensor([label_of[t["intent"]] for t in chunk])
            loss = F.cross_entropy(router.net(**feats), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {ep}: mean loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    vocab = build_vocab_file(os.path.join(WORKDIR, "router_vocab.txt"))
    router = TicketRouter(vocab, read_csv(ROUTING_CSV), read_csv(CHANNELS_CSV))
    fit(router)
    sample = [{"body": "the service is down for everyone since today", "channel": "web_form"},
              {"body": "send me a copy of the invoice for march", "channel": "email"}]
    for ticket, (intent, team, conf) in zip(sample, router.route(sample)):
        print(f"[{ticket['channel']}] {ticket['body']!r} -> {intent} / {team} ({conf})")
