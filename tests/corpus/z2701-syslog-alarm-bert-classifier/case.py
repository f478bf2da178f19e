import argparse
import os
import random
from collections import Counter, namedtuple

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

Config = namedtuple("Config", "n_days split_day max_len batch_size epochs lr seed")
AlarmRecord = namedtuple("AlarmRecord", "day node text alarm")

ALARM_TYPES = ["link_down", "high_cpu", "power_failure", "bgp_flap", "optical_degrade", "fan_fail"]
TEMPLATES = {
    "link_down": "interface {port} link down on {node} carrier lost",
    "high_cpu": "cpu utilization {pct} percent on {node} control plane",
    "power_failure": "power supply {psu} failed on {node} running on battery",
    "bgp_flap": "bgp neighbor {peer} state changed to idle on {node}",
    "optical_degrade": "rx power low {dbm} dbm on {port} {node} optical",
    "fan_fail": "fan tray {psu} failure on {node} temperature rising",
}
WORDS = sorted({w for t in TEMPLATES.values() for w in t.split() if not w.startswith("{")}
               | {"olt", "bras", "agg", "core", "ge", "xe", "psu", "peer", "-", "/", "."}
               | {str(i) for i in range(100)})


def get_config():
    ap = argparse.ArgumentParser("syslog alarm classifier")
    ap.add_argument("--n-days", type=int, default=7)
    ap.add_argument("--split-day", type=int, default=5)
    ap.add_argument("--max-len", type=int, default=24)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=3)
    ns = ap.parse_args([])
    return Config(**vars(ns))


def write_vocab(folder):
    path = os.path.join(folder, "alarm_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def generate_syslog(cfg):
    rnd = random.Random(cfg.seed)
    nodes = [f"{k}-{i}" for k in ("olt", "bras", "agg", "core") for i in range(1, 9)]
    rows = []
    for day in range(cfg.n_days):
        for _ in range(40):
            alarm = rnd.choice([a for a in ALARM_TYPES if a != "power_failure"])
            if day == cfg.n_days - 1 and rnd.random() < 0.3:
                alarm = "power_failure"
            node = rnd.choice(nodes)
            text = TEMPLATES[alarm].format(
                port=f"ge-0/{rnd.randint(0, 3)}/{rnd.randint(0, 47)}", node=node,
                pct=rnd.randint(80, 99), psu=rnd.randint(1, 2),
                peer=f"10.{rnd.randint(0, 9)}.{rnd.randint(0, 99)}.1", dbm=f"-{rnd.randint(20, 35)}")
            rows.append(AlarmRecord(day, node, text, alarm))
    return rows


class EarlyStop:
    def __init__(self, patience=1):
        self.patience, self.best, self.bad = patience, float("inf"), 0

    def __call__(self, trainer, epoch, logs):
        if logs["val_loss"] < self.best:
            self.best, self.bad = logs["val_loss"], 0
        else:
            self.bad += 1
            trainer.stop = self.bad > self.patience


def print_logs(trainer, epoch, logs):
    print(f"[epoch {epoch}] " + ", ".join(f"{k}: {v:.4f}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, tokenizer, cfg, callbacks):
        self.model, self.tok, self.cfg = model, tokenizer, cfg
        self.callbacks = callbacks
        self.optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
        self.stop = False

    def collate(self, records):
        enc = self.tok([r.text for r in records], padding=True, truncation=True,
                       max_length=self.cfg.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([ALARM_TYPES.index(r.alarm) for r in records])
        return dict(enc)

    def evaluate(self, rows):
        self.model.eval()
        losses, hits = [], 0
        with torch.no_grad():
            for batch in DataLoader(rows, batch_size=self.cfg.batch_size, collate_fn=self.collate):
                out = self.model(**batch)
                losses.append(out.loss.item())
                hits += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        return sum(losses) / len(losses), hits / len(rows)

    def fit(self, train_rows, val_rows):
        loader = DataLoader(train_rows, batch_size=self.cfg.batch_size, shuffle=True,
                            collate_fn=self.collate)
        for epoch in range(self.cfg.epochs):
            self.model.train()
            running = 0.0
            for batch in loader:
                loss = self.model(**batch).loss
                loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                running += loss.item()
            val_loss, val_acc = self.evaluate(val_rows)
            logs = {"train_loss": running / len(loader), "val_loss": val_loss, "val_acc": val_acc}
            for cb in self.callbacks:
                cb(self, epoch, logs)
            if self.stop:
                break


def main():
    cfg = get_config()
    torch.manual_seed(cfg.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    tokenizer = BertTokenizer(write_vocab(here))
    rows = generate_syslog(cfg)
    train_rows = [r for r in rows if r.day < cfg.split_day]
    val_rows = [r for r in rows if r.day >= cfg.split_day]
    seen = sorted(Counter(r.alarm for r in train_rows))
    print("train alarm types:", seen)

    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                          num_labels=len(seen))
    model = BertForSequenceClassification(bert_cfg)
    trainer = Trainer(model, tokenizer, cfg, callbacks=[print_logs, EarlyStop(patience=1)])
    trainer.fit(train_rows, val_rows)


if __name__ == "__main__":
    main()
