"""Transient classification with a small BERT over tokenised ZTF-like light curves.

Every detection becomes two tokens: the passband and a quantised magnitude bin.
"""
import os
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ["SNIa", "SNII", "AGN"]
BANDS = ["g", "r", "i"]


@dataclass
class TokenConfig:
    n_mag_bins: int = 48
    mag_lo: float = 16.0
    mag_hi: float = 22.0
    max_detections: int = 40

    @property
    def max_len(self):
        return 2 * self.max_detections + 2


@dataclass
class ModelConfig:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64


@dataclass
class RunConfig:
    n_objects: int = 96
    batch_size: int = 12
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 3
    token: TokenConfig = field(default_factory=TokenConfig)
    model: ModelConfig = field(default_factory=ModelConfig)


def write_vocab(tcfg, path):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens += [f"band_{b}" for b in BANDS]
    tokens += [f"mag_{k:03d}" for k in range(tcfg.n_mag_bins)]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def simulate_transient(rng, kind, n_det):
    t = np.sort(rng.uniform(-20, 80, size=n_det))
    band = rng.integers(0, len(BANDS), size=n_det)
    peak = rng.uniform(17.0, 19.5)
    if kind == "SNIa":
        mag = peak + np.where(t < 0, (t / 12.0) ** 2, 0.035 * t)
    elif kind == "SNII":
        mag = peak + np.where(t < 0, (t / 6.0) ** 2, np.where(t < 60, 0.008 * t, 0.5 + 0.06 * (t - 60)))
    else:
        mag = peak + 0.4 * np.cumsum(rng.normal(0, 0.08, size=n_det))
    mag += 0.1 * band + rng.normal(0, 0.05, size=n_det)
    return band, mag


class MagnitudeQuantizer:
    def __init__(self, tcfg, tokenizer):
        self.lo = tcfg.mag_lo
        self.n_bins = tcfg.n_mag_bins
        self.width = (tcfg.mag_hi - tcfg.mag_lo) / tcfg.n_mag_bins
        self.mag_offset = tokenizer.convert_tokens_to_ids("mag_000")
        self.band_ids = np.array(tokenizer.convert_tokens_to_ids([f"band_{b}" for b in BANDS]))
        self.cls_id = tokenizer.cls_token_id
        self.sep_id = tokenizer.sep_token_id
        self.pad_id = tokenizer.pad_token_id

    def encode(self, band, mag, max_len):
        codes = np.clip(np.floor((mag - self.lo) / self.width), 0, self.n_bins - 1)
        pairs = np.stack([self.band_ids[band], self.mag_offset + codes], axis=1).reshape(-1)
        seq = np.concatenate([[self.cls_id], pairs[: max_len - 2], [self.sep_id]])
        attn = np.ones_like(seq, dtype=np.int64)
        pad = max_len - len(seq)
        seq = np.pad(seq, (0, pad), constant_values=self.pad_id)
        attn = np.pad(attn, (0, pad), constant_values=0)
        return seq, attn


class TransientDataset(Dataset):
    def __init__(self, objects, quantizer, max_len):
        self.items = []
        for band, mag, label in objects:
            ids, attn = quantizer.encode(band, mag, max_len)
            self.items.append({
                "input_ids": torch.from_numpy(ids),
                "attention_mask": torch.from_numpy(attn),
                "labels": torch.tensor(label),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class TransientBert:
    def __init__(self, mcfg, tcfg, vocab_size, pad_id):
        config = BertConfig(
            vocab_size=vocab_size, hidden_size=mcfg.hidden, num_hidden_layers=mcfg.layers,
            num_attention_heads=mcfg.heads, intermediate_size=mcfg.ffn,
            max_position_embeddings=tcfg.max_len, pad_token_id=pad_id, num_labels=len(CLASSES),
        )
        self.net = BertForSequenceClassification(config)

    def parameters(self):
        return self.net.parameters()

    def __call__(self, batch):
        return self.net(**batch)


class Trainer:
    def __init__(self, model, cfg, dataset):
        self.model = model
        self.cfg = cfg
        self.loader = DataLoader(dataset, batch_size=cfg.batch_size, shuffle=True)
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def run(self):
        self.model.net.train()
        for epoch in range(self.cfg.epochs):
            losses = []
            for batch in self.loader:
                out = self.model(batch)
                self.optimizer.zero_grad()
                out.loss.backward()
                self.optimizer.step()
                losses.append(out.loss.item())
            print(f"epoch {epoch} loss {np.mean(losses):.4f}")


def main():
    cfg = RunConfig()
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    tokenizer = BertTokenizer(write_vocab(cfg.token, os.path.join(HERE, "ztf_vocab.txt")))
    quantizer = MagnitudeQuantizer(cfg.token, tokenizer)
    objects = []
    for _ in range(cfg.n_objects):
        label = int(rng.integers(len(CLASSES)))
        band, mag = simulate_transient(rng, CLASSES[label], int(rng.integers(8, 60)))
        objects.append((band, mag, label))
    dataset = TransientDataset(objects, quantizer, cfg.token.max_len)
    model = TransientBert(cfg.model, cfg.token, len(tokenizer), tokenizer.pad_token_id)
    Trainer(model, cfg, dataset).run()


if __name__ == "__main__":
    main()
