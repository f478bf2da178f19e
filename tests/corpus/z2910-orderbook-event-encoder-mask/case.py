#!/usr/bin/env python
# coding: utf-8
# lob_event_bert.ipynb  (exported)
# Tiny BERT over discretised order-book events -> next-interval realised vol bucket.

import os
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
torch.manual_seed(2024)

SIDES = ["bid", "ask"]
ACTIONS = ["add", "cxl", "mod"]
LEVELS = [1, 2, 3, 4, 5]
EVENT_TOKENS = [f"{a}{s}{l}" for a in ACTIONS for s in SIDES for l in LEVELS]
EVENT_TOKENS += ["tradebuy", "tradesell", "halt", "auction"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

vocab_path = os.path.join(HERE, "lob_vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(SPECIALS + EVENT_TOKENS) + "\n")
tok = BertTokenizer(vocab_path, do_lower_case=True)


@dataclass
class Cfg:
    max_events: int = 40
    hidden: int = 32
    n_buckets: int = 3
    venue_dim: int = 4
    n_venues: int = 5
    batch_size: int = 32
    epochs: int = 2
    lr: float = 3e-4


cfg = Cfg()


def simulate_interval(rng):
    n = int(rng.integers(8, 60))
    p = rng.dirichlet(np.ones(len(EVENT_TOKENS)) * 0.7)
    events = rng.choice(EVENT_TOKENS, size=n, p=p)
    n_trades = int(np.isin(events, ["tradebuy", "tradesell"]).sum())
    rv = n_trades / n + rng.normal(0, 0.05)
    return " ".join(events), n, rv, int(rng.integers(0, cfg.n_venues))


raw = [simulate_interval(rng) for _ in range(400)]
rvs = np.array([r[2] for r in raw])
cuts = np.quantile(rvs, [1 / 3, 2 / 3])
labels = np.digitize(rvs, cuts)


class EventIntervals(Dataset):
    def __init__(self, rows, labels):
        self.rows, self.labels = rows, labels

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, n, _, venue = self.rows[i]
        return {"text": text, "n_events": min(n, cfg.max_events), "venue": venue, "y": int(self.labels[i])}


def lengths_to_mask(lengths, width):
    return (torch.arange(width)[None, :] < lengths[:, None]).long()


def collate(batch, tokenizer, max_len):
    enc = tokenizer([b["text"] for b in batch], padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    lengths = torch.tensor([b["n_events"] + 2 for b in batch])
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": lengths_to_mask(lengths, cfg.max_events),
        "venue": torch.tensor([b["venue"] for b in batch]),
        "y": torch.tensor([b["y"] for b in batch]),
    }


class VolBucketModel(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bcfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64, pad_token_id=tok.pad_token_id)
        self.encoder = BertModel(bcfg, add_pooling_layer=False)
        self.venue = nn.Embedding(cfg.n_venues, cfg.venue_dim)
        self.head = nn.Linear(cfg.hidden + cfg.venue_dim, cfg.n_buckets)

    def forward(self, input_ids, attention_mask, venue):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(torch.cat([pooled, self.venue(venue)], dim=-1))


class LossLogger:
    def __call__(self, trainer, epoch, logs):
        print(f"epoch {epoch}: loss={logs['loss']:.4f} acc={logs['acc']:.3f}")


class Trainer:
    def __init__(self, model, cfg, callbacks=None):
        self.model, self.cfg = model, cfg
        self.callbacks = callbacks or []
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.crit = nn.CrossEntropyLoss()

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            losses, correct, seen = [], 0, 0
            for batch in loader:
                logits = self.model(batch["input_ids"], batch["attention_mask"], batch["venue"])
                loss = self.crit(logits, batch["y"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
                correct += (logits.argmax(-1) == batch["y"]).sum().item()
                seen += len(batch["y"])
            for cb in self.callbacks:
                cb(self, epoch, {"loss": float(np.mean(losses)), "acc": correct / seen})


collate_fn = partial(collate, tokenizer=tok, max_len=cfg.max_events + 2)
loader = DataLoader(EventIntervals(raw, labels), batch_size=cfg.batch_size, shuffle=True,
                    collate_fn=collate_fn)
model = VolBucketModel(cfg, tok.vocab_size)
Trainer(model, cfg, callbacks=[LossLogger()]).fit(loader)
os.remove(vocab_path)
