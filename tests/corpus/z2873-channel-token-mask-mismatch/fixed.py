import csv
import io
import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

LABEL_SCHEME = """code,name,team
0,refund_request,billing
1,account_locked,identity
2,delivery_issue,logistics
3,feature_question,product
"""

CHANNELS = ["email", "chat", "phone"]

TEMPLATES = {
    "refund_request": ["i want a refund for order {n}", "please return my money for order {n}"],
    "account_locked": ["my account is locked after {n} attempts", "cannot sign in since {n} tries"],
    "delivery_issue": ["parcel {n} never arrived", "courier lost package {n}"],
    "feature_question": ["does the plan support {n} users", "can i export {n} reports"],
}


@dataclass
class ServiceConfig:
    max_len: int = 24
    hidden: int = 32
    batch_size: int = 6
    epochs: int = 2
    lr: float = 5e-4
    workdir: str = field(default_factory=lambda: os.path.dirname(os.path.abspath(__file__)))


def read_scheme(text):
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return [(int(code), name, team) for code, name, team in reader]


def build_tokenizer(cfg):
    words = {"[email]", "[chat]", "[phone]"}
    for pats in TEMPLATES.values():
        for p in pats:
            words.update(w for w in p.split() if w != "{n}")
    words.update(str(i) for i in range(10))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(cfg.workdir, "vocab_routing.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab))
    return BertTokenizer(path, never_split=["[email]", "[chat]", "[phone]"])


def encode(tokenizer, texts, channels, max_len):
    enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len,
                    return_token_type_ids=False, return_tensors="pt")
    chan_ids = torch.tensor([[tokenizer.convert_tokens_to_ids(f"[{c}]")] for c in channels])
    input_ids = torch.cat([enc["input_ids"][:, :1], chan_ids, enc["input_ids"][:, 1:]], dim=1)
    mask = enc["attention_mask"]
    attention_mask = torch.cat([mask[:, :1], torch.ones_like(chan_ids), mask[:, 1:]], dim=1)
    return {"input_ids": input_ids, "attention_mask": attention_mask}


class IntentHead(nn.Module):
    def __init__(self, bert_cfg, n_labels):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(bert_cfg.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.out(self.drop(hidden[:, 0]))


class RoutingPredictor:
    def __init__(self, cfg, scheme):
        self.cfg = cfg
        self.scheme = scheme
        self.tokenizer = build_tokenizer(cfg)
        bert_cfg = BertConfig(vocab_size=len(self.tokenizer), hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.model = IntentHead(bert_cfg, len(scheme))

    def predict(self, texts, channels):
        self.model.eval()
        with torch.no_grad():
            batch = encode(self.tokenizer, texts, channels, self.cfg.max_len)
            probs = F.softmax(self.model(**batch), dim=-1)
        results = []
        for p in probs:
            code = int(p.argmax())
            _, name, team = self.scheme[code]
            results.append({"intent": name, "team": team, "confidence": round(float(p.max()), 3)})
        return results


def make_tickets(scheme, n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        code, name, _ = rng.choice(scheme)
        text = rng.choice(TEMPLATES[name]).format(n=rng.randint(1, 9))
        yield text, rng.choice(CHANNELS), code


def batches(rows, size):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        texts, chans, codes = zip(*chunk)
        yield list(texts), list(chans), torch.tensor(codes)


def train(predictor, rows):
    cfg = predictor.cfg
    opt = torch.optim.Adam(predictor.model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        predictor.model.train()
        running = []
        for texts, chans, labels in batches(rows, cfg.batch_size):
            batch = encode(predictor.tokenizer, texts, chans, cfg.max_len)
            loss = F.cross_entropy(predictor.model(**batch), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch}: mean loss {sum(running) / len(running):.4f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = ServiceConfig()
    scheme = read_scheme(LABEL_SCHEME)
    predictor = RoutingPredictor(cfg, scheme)
    rows = list(make_tickets(scheme, 48, seed=3))
    train(predictor, rows)
    print(predictor.predict(["parcel 4 never arrived", "i want a refund for order 7"], ["chat", "email"]))
