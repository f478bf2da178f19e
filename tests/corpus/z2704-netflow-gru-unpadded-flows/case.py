"""Flow-level intrusion detector for edge-router NetFlow exports.

Each flow is a sequence of per-packet features (size, inter-arrival time,
direction, TCP flag bits). A GRU encodes the flow and a linear head scores it
as benign / volumetric-attack / port-scan.
"""
import argparse
import logging
import math
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("flowids")

Config = namedtuple(
    "Config",
    ["n_flows", "max_pkts", "min_pkts", "feat_dim", "hidden", "n_classes",
     "batch_size", "epochs", "lr", "seed"],
)


def parse_opts():
    p = argparse.ArgumentParser(description="NetFlow GRU anomaly detector")
    p.add_argument("--n-flows", type=int, default=512)
    p.add_argument("--max-pkts", type=int, default=32)
    p.add_argument("--min-pkts", type=int, default=6)
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args([])
    return Config(a.n_flows, a.max_pkts, a.min_pkts, 4, a.hidden, 3,
                  a.batch_size, a.epochs, a.lr, a.seed)


def synth_flows(cfg):
    rng = np.random.default_rng(cfg.seed)
    flows, labels = [], []
    for _ in range(cfg.n_flows):
        kind = rng.integers(0, cfg.n_classes)
        n = int(rng.integers(cfg.min_pkts, 2 * cfg.max_pkts))
        if kind == 0:
            size = rng.normal(700, 300, n).clip(40, 1500)
            iat = rng.exponential(0.05, n)
        elif kind == 1:
            size = rng.normal(1400, 40, n).clip(40, 1500)
            iat = rng.exponential(0.001, n)
        else:
            size = np.full(n, 60.0) + rng.normal(0, 2, n)
            iat = rng.exponential(0.01, n)
        direction = rng.integers(0, 2, n).astype(np.float64)
        flags = rng.integers(0, 64, n) / 63.0
        feats = np.stack([size / 1500.0, np.log1p(iat * 1e3), direction, flags], axis=1)
        flows.append(feats.astype(np.float32))
        labels.append(int(kind))
    return flows, labels


class FlowDataset(Dataset):
    def __init__(self, flows, labels, max_pkts):
        self.flows = flows
        self.labels = labels
        self.max_pkts = max_pkts

    def __len__(self):
        return len(self.flows)

    def __getitem__(self, i):
        pkts = torch.from_numpy(self.flows[i][: self.max_pkts])
        return {"pkts": pkts, "n_pkts": min(len(self.flows[i]), self.max_pkts),
                "label": self.labels[i]}


class FlowGRU(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.proj = nn.Linear(cfg.feat_dim, cfg.hidden)
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.head = nn.Linear(cfg.hidden, cfg.n_classes)

    def forward(self, pkts, n_pkts):
        h, _ = self.gru(torch.relu(self.proj(pkts)))
        idx = (n_pkts - 1).clamp(min=0)
        last = h[torch.arange(h.size(0)), idx]
        return self.head(last)


class Callback:
    def on_epoch_end(self, trainer, epoch, logs):
        pass


class LossLogger(Callback):
    def on_epoch_end(self, trainer, epoch, logs):
        log.info("epoch %d loss=%.4f acc=%.3f", epoch, logs["loss"], logs["acc"])


class BestAccTracker(Callback):
    def __init__(self):
        self.best = -math.inf

    def on_epoch_end(self, trainer, epoch, logs):
        if logs["acc"] > self.best:
            self.best = logs["acc"]
            trainer.best_state = {k: v.clone() for k, v in trainer.model.state_dict().items()}


class Trainer:
    def __init__(self, model, cfg, callbacks=()):
        self.model = model
        self.cfg = cfg
        self.callbacks = list(callbacks)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.loss_fn = nn.CrossEntropyLoss()
        self.best_state = None

    def _step(self, batch):
        logits = self.model(batch["pkts"], batch["n_pkts"])
        loss = self.loss_fn(logits, batch["label"])
        self.opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        correct = (logits.argmax(-1) == batch["label"]).sum().item()
        return loss.item(), correct

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            tot_loss, tot_ok, seen = 0.0, 0, 0
            for batch in loader:
                l, ok = self._step(batch)
                bs = batch["label"].size(0)
                tot_loss += l * bs
                tot_ok += ok
                seen += bs
            logs = {"loss": tot_loss / seen, "acc": tot_ok / seen}
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, logs)
        return self


def main():
    cfg = parse_opts()
    torch.manual_seed(cfg.seed)
    flows, labels = synth_flows(cfg)
    log.info("generated %d flows, %d..%d packets", len(flows),
             min(map(len, flows)), max(map(len, flows)))
    ds = FlowDataset(flows, labels, cfg.max_pkts)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(cfg.seed))
    model = FlowGRU(cfg)
    tracker = BestAccTracker()
    Trainer(model, cfg, callbacks=[LossLogger(), tracker]).fit(loader)
    log.info("best train acc %.3f", tracker.best)


if __name__ == "__main__":
    main()
