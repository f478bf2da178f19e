import argparse
import os
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

Config = namedtuple("Config", "max_len hidden batch_size epochs lr seed n_train n_val")

WORDS = ("enodeb cell sector carrier alarm cleared raised major minor critical vswr rru bbu link s1 x2 "
         "sctp down up timeout retry gtp tunnel prb util high low threshold exceeded fan temp power "
         "sync gps loss restored board reset license expired kpi drop rate rrc erab failure").split()


def get_config():
    ap = argparse.ArgumentParser("alarm-log anomaly classifier")
    ap.add_argument("--max-len", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--n-train", type=int, default=64)
    ap.add_argument("--n-val", type=int, default=24)
    return Config(**vars(ap.parse_args([])))


@dataclass
class AlarmRecord:
    site: str
    text: str
    is_incident: int


def alarm_stream(n, rng, burst_prob):
    for i in range(n):
        n_lines = 1 + rng.poisson(2.5) if rng.random() < burst_prob else 1
        lines = [" ".join(rng.choice(WORDS, size=rng.integers(5, 12))) for _ in range(n_lines)]
        incident = int(n_lines > 2 or "critical" in lines[0])
        yield AlarmRecord(site=f"SITE{i % 17:03d}", text=" ; ".join(lines), is_incident=incident)


def build_tokenizer(here):
    vocab_file = os.path.join(here, "alarm_vocab.txt")
    with open(vocab_file, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ";"] + WORDS:
            f.write(tok + "\n")
    return BertTokenizer(vocab_file)


class Callback:
    def on_train_begin(self, trainer): ...
    def on_epoch_end(self, trainer, epoch, metrics): ...


class ValidationCallback(Callback):
    def __init__(self, records, tokenizer, batch_size):
        self.records = records
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def on_epoch_end(self, trainer, epoch, metrics):
        model = trainer.model
        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(self.records), self.batch_size):
                chunk = self.records[start:start + self.batch_size]
                enc = self.tokenizer([r.text for r in chunk], padding=True, truncation=True,
                                     max_length=trainer.cfg.max_len, return_tensors="pt")
                preds = model(**enc).logits.argmax(-1)
                correct += (preds == torch.tensor([r.is_incident for r in chunk])).sum().item()
        metrics["val_acc"] = correct / len(self.records)
        model.train()


class PrintCallback(Callback):
    def on_train_begin(self, trainer):
        print(f"training {sum(p.numel() for p in trainer.model.parameters())} params")

    def on_epoch_end(self, trainer, epoch, metrics):
        print(f"[epoch {epoch}] " + ", ".join(f"{k}: {v:.3f}" for k, v in metrics.items()))


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model = model
        self.cfg = cfg
        self.callbacks = callbacks
        self.optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    def _emit(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    def train(self, loader):
        self._emit("on_train_begin")
        for epoch in range(self.cfg.epochs):
            losses = []
            for batch in loader:
                out = self.model(**batch)
                self.optimizer.zero_grad()
                out.loss.backward()
                self.optimizer.step()
                losses.append(out.loss.item())
            metrics = {"loss": float(np.mean(losses))}
            self._emit("on_epoch_end", epoch, metrics)


def make_collate(tokenizer, max_len):
    def collate(records):
        enc = tokenizer([r.text for r in records], padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([r.is_incident for r in records])
        return dict(enc)
    return collate


def main():
    cfg = get_config()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    tokenizer = build_tokenizer(here)

    train_records = list(alarm_stream(cfg.n_train, rng, burst_prob=0.2))
    val_records = list(alarm_stream(cfg.n_val, rng, burst_prob=0.5))

    model_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.max_len,
        num_labels=2,
    )
    model = BertForSequenceClassification(model_cfg)
    loader = DataLoader(train_records, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg.max_len))
    callbacks = [ValidationCallback(val_records, tokenizer, cfg.batch_size), PrintCallback()]
    Trainer(model, cfg, callbacks).train(loader)


if __name__ == "__main__":
    main()
