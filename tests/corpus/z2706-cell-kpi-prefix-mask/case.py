"""Cell-level anomaly scoring: fuse the hourly KPI vector of an LTE/NR cell with
its OSS event log. KPIs are projected into a few 'KPI tokens' that are
prepended to the event-text embeddings before a small BERT encoder."""
import argparse
import os
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

Config = namedtuple("Config", ["max_len", "n_kpi", "n_kpi_tokens", "hidden", "batch_size",
                               "epochs", "lr", "n_cells", "patience", "seed"])

EVENTS = ["rrc", "setup", "fail", "erab", "drop", "handover", "x2", "s1", "timeout",
          "cpu", "overload", "restart", "carrier", "locked", "unlocked", "vswr", "ok"]


@dataclass
class CellSample:
    cell_id: str
    kpis: np.ndarray
    events: str
    anomalous: int


def build_config():
    ap = argparse.ArgumentParser("cell-kpi-bert")
    ap.add_argument("--max-len", type=int, default=24)
    ap.add_argument("--n-kpi-tokens", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--n-cells", type=int, default=96)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--seed", type=int, default=3)
    o = ap.parse_args([])
    return Config(o.max_len, 6, o.n_kpi_tokens, o.hidden, o.batch_size, o.epochs,
                  o.lr, o.n_cells, o.patience, o.seed)


def synth_cells(cfg):
    rng = np.random.default_rng(cfg.seed)
    cells = []
    for i in range(cfg.n_cells):
        bad = int(rng.random() < 0.3)
        kpis = rng.normal(0, 1, cfg.n_kpi).astype(np.float32)
        if bad:
            kpis[[1, 3]] += 3.0
        n_ev = int(rng.integers(3, 15))
        words = rng.choice(EVENTS[:9] if bad else EVENTS[9:], size=n_ev)
        cells.append(CellSample(f"CELL{i:04d}", kpis, " ".join(words), bad))
    return cells


class CellDataset(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]


def make_collate(tok, max_len):
    def collate(items):
        enc = tok([s.events for s in items], padding="max_length", truncation=True,
                  max_length=max_len, return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "kpis": torch.from_numpy(np.stack([s.kpis for s in items])),
                "y": torch.tensor([s.anomalous for s in items], dtype=torch.float32)}
    return collate


class KpiEventModel(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.n_kpi_tokens = cfg.n_kpi_tokens
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64)
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.kpi_proj = nn.Linear(cfg.n_kpi, cfg.n_kpi_tokens * cfg.hidden)
        self.score = nn.Linear(cfg.hidden, 1)

    def forward(self, input_ids, attention_mask, kpis):
        bsz = input_ids.size(0)
        word_emb = self.bert.embeddings.word_embeddings(input_ids)
        kpi_tok = self.kpi_proj(kpis).view(bsz, self.n_kpi_tokens, -1)
        embeds = torch.cat([kpi_tok, word_emb], dim=1)
        hidden = self.bert(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.score(pooled).squeeze(-1)


class EarlyStopping:
    def __init__(self, patience):
        self.patience, self.best, self.bad_epochs = patience, float("inf"), 0

    def __call__(self, trainer, logs):
        if logs["loss"] < self.best - 1e-4:
            self.best, self.bad_epochs = logs["loss"], 0
        else:
            self.bad_epochs += 1
            trainer.stop = self.bad_epochs >= self.patience


class PrintMetrics:
    def __call__(self, trainer, logs):
        print(f"epoch {logs['epoch']}: loss {logs['loss']:.4f}")


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model, self.cfg, self.callbacks = model, cfg, callbacks
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
        self.stop = False

    def train(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            losses = []
            for batch in loader:
                logit = self.model(batch["input_ids"], batch["attention_mask"], batch["kpis"])
                loss = F.binary_cross_entropy_with_logits(logit, batch["y"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
            logs = {"epoch": epoch, "loss": float(np.mean(losses))}
            for cb in self.callbacks:
                cb(self, logs)
            if self.stop:
                break


def main():
    cfg = build_config()
    torch.manual_seed(cfg.seed)
    vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oss_vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + EVENTS) + "\n")
    tok = BertTokenizer(vocab_file)
    cells = synth_cells(cfg)
    loader = DataLoader(CellDataset(cells), batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tok, cfg.max_len))
    model = KpiEventModel(cfg, tok.vocab_size)
    Trainer(model, cfg, [PrintMetrics(), EarlyStopping(cfg.patience)]).train(loader)
    print("done")


if __name__ == "__main__":
    main()
