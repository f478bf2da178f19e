"""Photometric transient classification with a tiny BERT over tokenized light curves.

Each multi-band (LSST ugrizy) observation is turned into a magnitude-bin word
("m00".."m47") and the passband it was taken in is fed to BERT through
token_type_ids, so the model sees both brightness and colour evolution.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

PASSBANDS = ["u", "g", "r", "i", "z", "y"]
TRANSIENT_TYPES = ["SNIa", "SNII", "SNIbc", "TDE", "AGN"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class TokenizerConfig:
    mag_bright: float = 16.0
    mag_faint: float = 28.0
    n_mag_bins: int = 48
    max_length: int = 64

    def words(self):
        return [f"m{k:02d}" for k in range(self.n_mag_bins)]


@dataclass
class BertSetup:
    hidden_size: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    extra: dict = field(default_factory=dict)


@dataclass
class RunConfig:
    n_objects: int = 200
    batch_size: int = 16
    epochs: int = 2
    lr: float = 5e-4
    seed: int = 3


class LightCurveTokenizer:
    def __init__(self, cfg: TokenizerConfig, workdir: Path):
        self.cfg = cfg
        vocab_path = workdir / "lc_vocab.txt"
        vocab_path.write_text("\n".join(SPECIAL + cfg.words()) + "\n")
        self.bert_tok = BertTokenizer(str(vocab_path))

    def mag_word(self, mag):
        frac = (mag - self.cfg.mag_bright) / (self.cfg.mag_faint - self.cfg.mag_bright)
        k = int(np.clip(frac * self.cfg.n_mag_bins, 0, self.cfg.n_mag_bins - 1))
        return f"m{k:02d}"

    def encode(self, curves):
        texts = [" ".join(self.mag_word(m) for _, _, m in c) for c in curves]
        enc = self.bert_tok(texts, padding="max_length", truncation=True,
                            max_length=self.cfg.max_length, return_tensors="pt")
        band_ids = torch.zeros_like(enc["input_ids"])
        for row, curve in enumerate(curves):
            ids = [PASSBANDS.index(b) + 1 for _, b, _ in curve][: self.cfg.max_length - 2]
            band_ids[row, 1: 1 + len(ids)] = torch.tensor(ids)
        enc["token_type_ids"] = band_ids
        return enc


def simulate_transients(n, seed):
    rng = np.random.default_rng(seed)
    curves, labels = [], []
    for _ in range(n):
        kind = int(rng.integers(len(TRANSIENT_TYPES)))
        n_obs = int(rng.integers(20, 90))
        t = np.sort(rng.uniform(-30, 120, n_obs))
        bands = rng.choice(PASSBANDS, n_obs)
        peak = rng.uniform(19.0, 23.5)
        rise, fall = {0: (12, 30), 1: (8, 80), 2: (10, 25), 3: (25, 120), 4: (5, 5)}[kind]
        shape = np.where(t < 0, np.exp(t / rise), np.exp(-t / fall))
        if kind == 4:
            shape = 0.5 + 0.3 * np.sin(t / 17.0)
        colour = np.array([0.4 * PASSBANDS.index(b) for b in bands]) * (1 if kind != 3 else -1)
        mags = peak - 2.5 * np.log10(shape + 1e-3) * 0.4 + 0.1 * colour + rng.normal(0, 0.05, n_obs)
        curves.append(list(zip(t.tolist(), bands.tolist(), mags.tolist())))
        labels.append(kind)
    return curves, labels


class TransientDataset(Dataset):
    def __init__(self, curves, labels):
        self.curves, self.labels = curves, labels

    def __len__(self):
        return len(self.curves)

    def __getitem__(self, idx):
        return self.curves[idx], self.labels[idx]


def build_model(setup: BertSetup, tok_cfg: TokenizerConfig, tokenizer: LightCurveTokenizer):
    config = BertConfig(
        vocab_size=len(tokenizer.bert_tok),
        hidden_size=setup.hidden_size,
        num_hidden_layers=setup.layers,
        num_attention_heads=setup.heads,
        intermediate_size=setup.ffn,
        max_position_embeddings=tok_cfg.max_length,
        type_vocab_size=len(PASSBANDS) + 1,
        num_labels=len(TRANSIENT_TYPES),
        **setup.extra,
    )
    return BertForSequenceClassification(config)


class TransientTrainer:
    def __init__(self, model, tokenizer, cfg: RunConfig):
        self.model, self.tokenizer, self.cfg = model, tokenizer, cfg
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def collate(self, batch):
        curves, labels = zip(*batch)
        enc = self.tokenizer.encode(list(curves))
        enc["labels"] = torch.tensor(labels)
        return enc

    def train(self, dataset):
        loader = DataLoader(dataset, batch_size=self.cfg.batch_size, shuffle=True, collate_fn=self.collate)
        self.model.train()
        for epoch in range(self.cfg.epochs):
            losses = []
            for batch in loader:
                out = self.model(**batch)
                self.optimizer.zero_grad()
                out.loss.backward()
                self.optimizer.step()
                losses.append(out.loss.item())
            print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")


def main():
    run = RunConfig()
    torch.manual_seed(run.seed)
    tok_cfg = TokenizerConfig()
    tokenizer = LightCurveTokenizer(tok_cfg, Path(os.path.dirname(os.path.abspath(__file__))))
    curves, labels = simulate_transients(run.n_objects, run.seed)
    model = build_model(BertSetup(), tok_cfg, tokenizer)
    TransientTrainer(model, tokenizer, run).train(TransientDataset(curves, labels))


if __name__ == "__main__":
    main()
