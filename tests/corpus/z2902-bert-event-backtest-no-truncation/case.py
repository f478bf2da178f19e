"""Tape-reading model: tiny BERT over per-bar trade/quote event tokens -> next-bar return.

exported from notebooks/tape_bert_v3.ipynb
"""
import os
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "tape_vocab.txt")
MAX_LEN = 64

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ACTIONS = ["addb", "adda", "canb", "cana", "tbuy", "tsell", "halt"]
SIZES = ["xs", "sm", "md", "lg", "blk"]
VENUES = ["nasdaq", "nyse", "arca", "bats", "iex", "dark"]

with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(SPECIAL + ACTIONS + SIZES + VENUES) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH)
rng = np.random.default_rng(2024)
torch.manual_seed(0)


def simulate_day(n_bars, lo, hi):
    bars = []
    for _ in range(n_bars):
        n = int(rng.integers(lo, hi))
        acts = rng.choice(ACTIONS[:-1], size=n, p=[.22, .22, .16, .16, .12, .12])
        szs = rng.choice(SIZES, size=n, p=[.35, .3, .2, .1, .05])
        ven = rng.choice(VENUES, size=n)
        words = [f"{v} {a} {s}" for a, s, v in zip(acts, szs, ven)]
        signed = np.where(acts == "tbuy", 1.0, np.where(acts == "tsell", -1.0, 0.0))
        wts = np.select([szs == "lg", szs == "blk"], [3.0, 8.0], 1.0)
        ret_bp = 0.4 * float(np.sum(signed * wts)) + rng.normal(0, 1.5)
        bars.append((" ".join(words), ret_bp))
    return bars


train_bars = simulate_day(600, 4, 20)
oos_bars = simulate_day(80, 6, 30)

encode = partial(tokenizer, padding="max_length", truncation=True,
                 max_length=MAX_LEN, return_tensors="pt")

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LEN,
    hidden_dropout_prob=0.1,
)


class TapeRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, 1)

    def forward(self, **enc):
        h = self.bert(**enc).last_hidden_state[:, 0]
        return self.head(h).squeeze(-1)


@dataclass
class FitConfig:
    epochs: int = 2
    batch_size: int = 32
    lr: float = 5e-4
    callbacks: list = field(default_factory=list)


class Trainer:
    def __init__(self, model, cfg: FitConfig):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.logs = {}

    def fire(self, event):
        for cb in self.cfg.callbacks:
            cb(event, self)

    def fit(self, bars):
        texts = [t for t, _ in bars]
        y = torch.tensor([r for _, r in bars], dtype=torch.float32)
        for epoch in range(self.cfg.epochs):
            perm = torch.randperm(len(texts))
            losses = []
            self.model.train()
            for i in range(0, len(texts), self.cfg.batch_size):
                idx = perm[i:i + self.cfg.batch_size]
                enc = encode([texts[j] for j in idx])
                pred = self.model(**enc)
                loss = nn.functional.mse_loss(pred, y[idx])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
            self.logs = {"epoch": epoch, "mse": float(np.mean(losses))}
            self.fire("epoch_end")


def log_cb(event, trainer):
    if event == "epoch_end":
        print("epoch {epoch}: mse {mse:.3f}".format(**trainer.logs))


@torch.no_grad()
def backtest(model, bars, cost_bp=0.5):
    model.eval()
    pnl = []
    for text, realised in bars:
        enc = tokenizer(text, return_tensors="pt")
        signal = model(**enc).item()
        pos = np.sign(signal)
        pnl.append(pos * realised - cost_bp * abs(pos))
    pnl = np.array(pnl)
    return {"pnl_bp": pnl.sum(), "hit": float(np.mean(pnl > 0)),
            "sharpe": pnl.mean() / (pnl.std() + 1e-9) * np.sqrt(len(pnl))}


model = TapeRegressor(config)
trainer = Trainer(model, FitConfig(epochs=2, callbacks=[log_cb]))
trainer.fit(train_bars)
stats = backtest(model, oos_bars)
print({k: round(float(v), 3) for k, v in stats.items()})
