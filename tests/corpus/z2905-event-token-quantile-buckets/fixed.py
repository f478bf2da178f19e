#!/usr/bin/env python
# coding: utf-8
# Converted from lob_event_encoder.ipynb -- next-move bucket classifier over L2 event tokens

import os
from functools import partial

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
torch.manual_seed(2024)

VENUES = ["xnas", "arcx", "bats", "edgx"]
ACTIONS = ["add", "cancel", "trade"]
SIDES = ["bid", "ask"]
LEVELS = ["l1", "l2", "l3"]
SIZES = ["small", "big"]
N_BUCKETS = 5
EVENTS_PER_SAMPLE = 24
MAX_LEN = 2 + 1 + 4 * EVENTS_PER_SAMPLE
HORIZON = 50

# --- vocab file for the event tokenizer --------------------------------------------
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VENUES + ACTIONS + SIDES + LEVELS + SIZES
vocab_path = os.path.join(HERE, "lob_vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(vocab_path)


# --- synthetic L2 event stream -----------------------------------------------------
def simulate_stream(n_events, venue):
    pressure = np.cumsum(rng.normal(0, 0.05, n_events))
    pressure -= np.convolve(pressure, np.ones(200) / 200, mode="same")
    p_bid = 1 / (1 + np.exp(-3 * pressure))
    side = np.where(rng.random(n_events) < p_bid, 0, 1)
    action = rng.choice(3, size=n_events, p=[0.55, 0.3, 0.15])
    level = rng.choice(3, size=n_events, p=[0.6, 0.25, 0.15])
    size = (rng.random(n_events) < 0.2).astype(int)
    signed = np.where(action == 2, 1.0, 0.3) * np.where(side == 0, 1, -1) * (1 + size)
    mid = 100 + np.cumsum(2e-3 * signed + rng.normal(0, 5e-3, n_events))
    words = [f"{ACTIONS[a]} {SIDES[s]} {LEVELS[l]} {SIZES[z]}"
             for a, s, l, z in zip(action, side, level, size)]
    return {"venue": venue, "words": words, "mid": mid}


def make_samples(stream, stride=7):
    words, mid = stream["words"], stream["mid"]
    for end in range(EVENTS_PER_SAMPLE, len(words) - HORIZON, stride):
        text = stream["venue"] + " " + " ".join(words[end - EVENTS_PER_SAMPLE:end])
        fwd = np.log(mid[end + HORIZON] / mid[end])
        yield text, fwd


texts, fwd_ret = [], []
for venue in VENUES:
    for text, r in make_samples(simulate_stream(2000, venue)):
        texts.append(text)
        fwd_ret.append(r)
fwd_ret = np.asarray(fwd_ret)

bucket_edges = np.quantile(fwd_ret, np.linspace(0, 1, N_BUCKETS + 1))
labels = np.digitize(fwd_ret, bucket_edges[1:-1])
print("samples:", len(texts), "bucket counts:", np.bincount(labels))

enc = tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
perm = torch.randperm(len(texts))
n_train = int(0.8 * len(texts))
tr_idx, va_idx = perm[:n_train], perm[n_train:]
y = torch.as_tensor(labels, dtype=torch.long)


def subset(idx):
    return TensorDataset(enc["input_ids"][idx], enc["attention_mask"][idx], y[idx])


train_dl = DataLoader(subset(tr_idx), batch_size=32, shuffle=True)
valid_dl = DataLoader(subset(va_idx), batch_size=128)

config = BertConfig(
    vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=128, num_labels=N_BUCKETS,
    hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
)
model = BertForSequenceClassification(config)


# --- tiny training loop with callbacks ----------------------------------------------
def log_every(n, state):
    if state["step"] % n == 0:
        print(f"step {state['step']:4d} loss {state['loss']:.4f}")


def clip_grads(max_norm, state):
    state["grad_norm"] = torch.nn.utils.clip_grad_norm_(state["model"].parameters(), max_norm).item()


class EventTrainer:
    def __init__(self, model, make_opt, epochs=2, callbacks=None, post_backward=None):
        self.model = model
        self.opt = make_opt(model.parameters())
        self.epochs = epochs
        self.callbacks = callbacks or []
        self.post_backward = post_backward or []
        self.state = {"step": 0, "model": model}

    def train_epoch(self, loader):
        self.model.train()
        for ids, mask, target in loader:
            out = self.model(input_ids=ids, attention_mask=mask, labels=target)
            self.opt.zero_grad()
            out.loss.backward()
            for hook in self.post_backward:
                hook(self.state)
            self.opt.step()
            self.state["loss"] = out.loss.item()
            for cb in self.callbacks:
                cb(self.state)
            self.state["step"] += 1

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        hits = total = 0
        for ids, mask, target in loader:
            pred = self.model(input_ids=ids, attention_mask=mask).logits.argmax(-1)
            hits += (pred == target).sum().item()
            total += target.numel()
        return hits / max(total, 1)

    def fit(self, train_loader, valid_loader):
        for ep in range(self.epochs):
            self.train_epoch(train_loader)
            print(f"epoch {ep} valid acc {self.evaluate(valid_loader):.3f}")


trainer = EventTrainer(
    model,
    make_opt=partial(torch.optim.AdamW, lr=5e-4, weight_decay=0.01),
    epochs=2,
    callbacks=[partial(log_every, 20)],
    post_backward=[partial(clip_grads, 1.0)],
)
try:
    trainer.fit(train_dl, valid_dl)
finally:
    os.remove(vocab_path)
