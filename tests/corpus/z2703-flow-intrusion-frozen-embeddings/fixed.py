import argparse
import logging
import os
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("flow-ids")

Config = namedtuple("Config", "n_flows max_len hidden batch_size epochs lr freeze_embeddings seed")

PROTOS = ["tcp", "udp", "icmp"]
PORTS = ["22", "23", "53", "80", "123", "443", "445", "1900", "3389", "8080"]
FLAGS = ["syn", "ack", "fin", "rst", "psh"]
BUCKETS = [f"b{i}" for i in range(8)]


def cli():
    p = argparse.ArgumentParser()
    p.add_argument("--n-flows", type=int, default=320)
    p.add_argument("--max-len", type=int, default=20)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--freeze-embeddings", action="store_true", default=True)
    p.add_argument("--seed", type=int, default=21)
    return Config(**vars(p.parse_args([])))


def flow_to_text(rng, malicious):
    proto = "tcp" if malicious else rng.choice(PROTOS)
    dport = rng.choice(["23", "445", "3389"]) if malicious else rng.choice(PORTS)
    flags = " ".join(rng.choice(["syn", "rst"] if malicious else FLAGS, size=rng.integers(1, 4)))
    pkts = BUCKETS[rng.integers(0, 2)] if malicious else BUCKETS[rng.integers(2, 8)]
    return f"proto {proto} dport {dport} flags {flags} pkts {pkts} bytes {rng.choice(BUCKETS)}"


class FlowDataset(Dataset):
    def __init__(self, cfg):
        rng = np.random.default_rng(cfg.seed)
        self.labels = (rng.random(cfg.n_flows) < 0.25).astype(np.float32)
        self.texts = [flow_to_text(rng, bool(y)) for y in self.labels]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, idx):
        return self.texts[idx], self.labels[idx]


class FlowClassifier(nn.Module):
    def __init__(self, bert_cfg):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(bert_cfg.hidden_size, 1))

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(h[:, 0]).squeeze(-1)


def trainable_parameters(model, freeze_embeddings):
    for name, param in model.named_parameters():
        if freeze_embeddings and "embeddings" in name:
            param.requires_grad_(False)
            continue
        yield param


class CheckpointOnBest:
    def __init__(self):
        self.best = None

    def on_epoch_end(self, trainer, epoch, loss):
        if self.best is None or loss < self.best:
            self.best = loss
            self.state = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
            log.info("epoch %d new best loss %.4f", epoch, loss)


class Trainer:
    def __init__(self, model, tokenizer, cfg, callbacks):
        self.model, self.tokenizer, self.cfg, self.callbacks = model, tokenizer, cfg, callbacks
        params = list(trainable_parameters(model, cfg.freeze_embeddings))
        log.info("trainable parameters: %d", sum(p.numel() for p in params))
        self.optimizer = torch.optim.AdamW(params, lr=cfg.lr)
        self.criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))

    def batches(self, dataset):
        def collate(items):
            texts, ys = zip(*items)
            enc = self.tokenizer(list(texts), padding="max_length", truncation=True,
                                 max_length=self.cfg.max_len, return_tensors="pt")
            return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                    "target": torch.tensor(np.array(ys))}
        return DataLoader(dataset, batch_size=self.cfg.batch_size, shuffle=True, collate_fn=collate)

    def run(self, dataset):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            epoch_loss = []
            for batch in self.batches(dataset):
                logits = self.model(batch["input_ids"], batch["attention_mask"])
                loss = self.criterion(logits, batch["target"])
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                epoch_loss.append(loss.item())
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, float(np.mean(epoch_loss)))


def main():
    cfg = cli()
    torch.manual_seed(cfg.seed)
    vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flow_vocab.txt")
    with open(vocab_file, "w") as f:
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        f.write("\n".join(specials + ["proto", "dport", "flags", "pkts", "bytes"]
                          + PROTOS + PORTS + FLAGS + BUCKETS) + "\n")
    tokenizer = BertTokenizer(vocab_file)
    bert_cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=cfg.max_len + 2)
    model = FlowClassifier(bert_cfg)
    trainer = Trainer(model, tokenizer, cfg, callbacks=[CheckpointOnBest()])
    trainer.run(FlowDataset(cfg))
    log.info("done, best loss %.4f", trainer.callbacks[0].best)


if __name__ == "__main__":
    main()
