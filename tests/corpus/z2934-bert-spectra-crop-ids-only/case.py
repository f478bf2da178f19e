"""Toy spectral classification with a tiny BERT encoder.

Continuum-normalised stellar spectra (different wavelength coverage per
observing setup) are binned, each bin's flux is quantised into a word
"fNN" and the resulting sentences are fed to a randomly initialised BERT.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_TYPES = ["A", "F", "G", "K"]
N_LEVELS = 32
LINES = np.array([4101.7, 4340.5, 4861.3, 5167.3, 5183.6, 5889.9, 5895.9, 6562.8])

SPEC_DTYPE = np.dtype([
    ("obj", "U10"),
    ("wmin", "f8"),
    ("wmax", "f8"),
    ("snr", "f4"),
    ("sptype", "i8"),
])


def cli():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-spectra", type=int, default=64)
    ap.add_argument("--bin-width", type=float, default=30.0)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=6)
    return ap.parse_args([])


def write_vocab(path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"f{i:02d}" for i in range(N_LEVELS)]
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return len(words)


def synth_spectrum(meta, bin_width, rng):
    wave = np.arange(meta["wmin"], meta["wmax"], bin_width / 4)
    flux = np.ones_like(wave)
    balmer = (3.0, 2.0, 1.0, 0.5)[meta["sptype"]]
    metal = (0.2, 0.6, 1.0, 1.6)[meta["sptype"]]
    for k, lam in enumerate(LINES):
        depth = 0.25 * (balmer if k in (0, 1, 2, 7) else metal)
        flux -= depth * np.exp(-0.5 * ((wave - lam) / 8.0) ** 2)
    flux += rng.normal(0, 1.0 / meta["snr"], wave.size)
    nb = wave.size // 4
    return flux[: nb * 4].reshape(nb, 4).mean(axis=1)


def to_sentence(binned):
    q = np.clip(((binned - 0.2) / 0.9 * N_LEVELS).astype(int), 0, N_LEVELS - 1)
    return " ".join(f"f{v:02d}" for v in q)


def make_survey(n, rng):
    meta = np.zeros(n, dtype=SPEC_DTYPE)
    meta["obj"] = [f"HD{rng.integers(1000, 99999)}" for _ in range(n)]
    meta["wmin"] = rng.choice([3900.0, 4200.0, 4800.0], n)
    meta["wmax"] = meta["wmin"] + rng.uniform(1200.0, 3200.0, n)
    meta["snr"] = rng.uniform(20, 80, n)
    meta["sptype"] = rng.integers(0, len(SPEC_TYPES), n)
    return meta


def batch_stream(sentences, labels, tokenizer, batch_size, rng):
    def _gen():
        while True:
            order = rng.permutation(len(sentences))
            for s in range(0, len(order) - batch_size + 1, batch_size):
                sel = order[s:s + batch_size]
                enc = tokenizer([sentences[i] for i in sel], padding=True, return_tensors="pt")
                yield {
                    "input_ids": enc["input_ids"],
                    "attention_mask": enc["attention_mask"],
                    "labels": torch.as_tensor(labels[sel]),
                }
    return _gen()


class SpectrumClassifier(nn.Module):
    def __init__(self, cfg, n_classes):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.out(self.drop(h[:, 0]))


def main():
    args = cli()
    rng = np.random.default_rng(2934)
    torch.manual_seed(2934)

    vocab_path = os.path.join(HERE, "flux_vocab.txt")
    vocab_size = write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    survey = make_survey(args.n_spectra, rng)
    sentences = [to_sentence(synth_spectrum(m, args.bin_width, rng)) for m in survey]
    lengths = [len(s.split()) for s in sentences]
    print(f"{len(sentences)} spectra, {min(lengths)}-{max(lengths)} bins")

    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = SpectrumClassifier(cfg, len(SPEC_TYPES))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    stream = batch_stream(sentences, survey["sptype"], tokenizer, args.batch, rng)
    for step in range(args.steps):
        batch = next(stream)
        ids = batch["input_ids"][:, : cfg.max_position_embeddings]
        logits = model(ids, batch["attention_mask"])
        loss = loss_fn(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.4f}")

    os.remove(vocab_path)


if __name__ == "__main__":
    main()
