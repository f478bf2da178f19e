"""Classify 5-minute alarm windows from RAN base stations into
normal / degradation / outage with a tiny BERT over the alarm text."""
import argparse
import os
import random
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "alarm_vocab.txt")

Config = namedtuple("Config", "max_len batch_size epochs lr n_windows seed n_labels")

LABELS = ["normal", "degradation", "outage"]
WORDS = {
    "normal": ["heartbeat", "ok", "sync", "restored", "handover", "success", "config", "saved"],
    "degradation": ["high", "prb", "utilization", "rsrp", "low", "retransmission", "jitter", "latency"],
    "outage": ["cell", "down", "link", "lost", "s1", "failure", "power", "alarm", "critical"],
}
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def get_config():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max_len", type=int, default=40)
    ap.add_argument("--batch_size", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--n_windows", type=int, default=192)
    ap.add_argument("--seed", type=int, default=11)
    ns = ap.parse_args([])
    return Config(ns.max_len, ns.batch_size, ns.epochs, ns.lr, ns.n_windows, ns.seed, len(LABELS))


def write_vocab(path):
    tokens = SPECIAL + sorted({w for ws in WORDS.values() for w in ws} | {"enb", "gnb", "site", "at"})
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")


def make_windows(cfg):
    rnd = random.Random(cfg.seed)
    out = []
    for _ in range(cfg.n_windows):
        lab = rnd.randrange(cfg.n_labels)
        pool = WORDS[LABELS[lab]] + WORDS["normal"][:3]
        n_alarms = rnd.randint(2, 5)
        msgs = [" ".join(["gnb", "site"] + rnd.sample(pool, 3)) for _ in range(n_alarms)]
        out.append((" ; ".join(msgs).upper(), lab))
    return out


def encode(tok, texts, max_len):
    id_matrix = np.zeros((len(texts), max_len))
    for row, text in enumerate(texts):
        ids = tok.encode(text, add_special_tokens=True, truncation=True, max_length=max_len)
        id_matrix[row, : len(ids)] = ids
    input_ids = torch.from_numpy(id_matrix)
    attention_mask = (input_ids != tok.pad_token_id).long()
    return input_ids, attention_mask


def batches(windows, tok, cfg, shuffle=True):
    order = list(range(len(windows)))
    if shuffle:
        random.Random(cfg.seed).shuffle(order)
    for s in range(0, len(order), cfg.batch_size):
        chunk = [windows[i] for i in order[s : s + cfg.batch_size]]
        ids, mask = encode(tok, [t for t, _ in chunk], cfg.max_len)
        yield {"input_ids": ids, "attention_mask": mask,
               "labels": torch.tensor([y for _, y in chunk])}


class AlarmClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bcfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64)
        self.encoder = BertModel(bcfg)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(bcfg.hidden_size, cfg.n_labels)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.cls(self.drop(out.pooler_output))


def make_history_callback(store):
    def cb(epoch, metrics):
        store.append(metrics)
        print(f"[epoch {epoch}] " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
    return cb


class Trainer:
    def __init__(self, model, tok, cfg, callbacks=None):
        self.model, self.tok, self.cfg = model, tok, cfg
        self.callbacks = callbacks or []
        self.optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.crit = nn.CrossEntropyLoss()

    def run_epoch(self, windows, train):
        self.model.train(train)
        total, n, hits = 0.0, 0, 0
        with torch.set_grad_enabled(train):
            for b in batches(windows, self.tok, self.cfg, shuffle=train):
                logits = self.model(b["input_ids"], b["attention_mask"])
                loss = self.crit(logits, b["labels"])
                if train:
                    self.optim.zero_grad()
                    loss.backward()
                    self.optim.step()
                total += loss.item() * len(b["labels"])
                hits += (logits.argmax(1) == b["labels"]).sum().item()
                n += len(b["labels"])
        return total / n, hits / n

    def fit(self, train_w, val_w):
        for ep in range(self.cfg.epochs):
            tr_loss, _ = self.run_epoch(train_w, True)
            va_loss, va_acc = self.run_epoch(val_w, False)
            for cb in self.callbacks:
                cb(ep, {"train_loss": tr_loss, "val_loss": va_loss, "val_acc": va_acc})


def main():
    cfg = get_config()
    torch.manual_seed(cfg.seed)
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    windows = make_windows(cfg)
    split = int(0.8 * len(windows))
    model = AlarmClassifier(tok.vocab_size, cfg)
    history = []
    Trainer(model, tok, cfg, callbacks=[make_history_callback(history)]).fit(
        windows[:split], windows[split:])
    print("final val acc:", history[-1]["val_acc"])


if __name__ == "__main__":
    main()
