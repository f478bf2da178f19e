"""Tiny BERT classifier over binned-flux 'words' for variable-star light curves
(eclipsing binary / RR Lyrae / constant)."""
import argparse
import os

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ("EB", "RRL", "CONST")


class LightCurve:
    __slots__ = ("star", "mjd", "mag", "kind")

    def __init__(self, star, mjd, mag, kind):
        self.star = star
        self.mjd = mjd
        self.mag = mag
        self.kind = kind

    def detrend(self):
        self.mag -= np.median(self.mag)
        self.mag /= max(np.std(self.mag), 1e-6)
        return self

    def to_words(self, n_levels):
        lvl = np.clip(((self.mag + 3.0) / 6.0 * n_levels).astype(int), 0, n_levels - 1)
        return " ".join(f"m{v:02d}" for v in lvl)


def cli():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-levels", type=int, default=24)
    ap.add_argument("--n-epochs-obs", type=int, default=180)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--n-train", type=int, default=96)
    ap.add_argument("--n-val", type=int, default=24)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=5)
    return ap.parse_args([])


def write_vocab(n_levels):
    path = os.path.join(HERE, "flux_vocab.txt")
    with open(path, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]:
            fh.write(w + "\n")
        for i in range(n_levels):
            fh.write(f"m{i:02d}\n")
    return path


def make_curves(n, n_obs, rng):
    curves = []
    for i in range(n):
        kind = int(rng.integers(0, len(CLASSES)))
        mjd = np.sort(rng.uniform(58000.0, 58090.0, size=n_obs))
        mag = np.full(n_obs, 15.0) + rng.normal(0.0, 0.03, size=n_obs)
        if kind == 0:
            per = rng.uniform(0.6, 4.0)
            ph = (mjd / per) % 1.0
            mag += 0.6 * np.exp(-0.5 * (ph / 0.03) ** 2) + 0.3 * np.exp(-0.5 * ((ph - 0.5) / 0.03) ** 2)
        elif kind == 1:
            per = rng.uniform(0.45, 0.75)
            ph = (mjd / per) % 1.0
            mag -= 0.8 * (1.0 - ph) ** 3
        curves.append(LightCurve(f"OGLE-{i:05d}", mjd, mag, kind).detrend())
    return curves


def tokenize(tok, curves, n_levels, max_length=None):
    texts = [lc.to_words(n_levels) for lc in curves]
    enc = tok(
        texts,
        padding=True,
        truncation=max_length is not None,
        max_length=max_length,
        return_tensors="pt",
    )
    enc["labels"] = torch.tensor([lc.kind for lc in curves])
    return enc


def chunks(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def main():
    args = cli()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    vocab_path = write_vocab(args.n_levels)
    tok = BertTokenizer(vocab_path)

    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=args.max_len,
        num_labels=len(CLASSES),
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    train_lcs = make_curves(args.n_train, args.n_epochs_obs, rng)
    val_lcs = make_curves(args.n_val, args.n_epochs_obs, rng)

    model.train()
    for epoch in range(2):
        order = rng.permutation(len(train_lcs))
        for idx in chunks(order, args.batch):
            enc = tokenize(tok, [train_lcs[j] for j in idx], args.n_levels, max_length=args.max_len)
            out = model(**enc)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
        print(f"epoch {epoch}  last loss {out.loss.item():.3f}")

    model.eval()
    hits = 0
    with torch.no_grad():
        for batch in chunks(val_lcs, args.batch):
            enc = tokenize(tok, batch, args.n_levels)
            logits = model(**enc).logits
            hits += (logits.argmax(-1) == enc["labels"]).sum().item()
    print(f"val accuracy {hits / len(val_lcs):.2f}")


if __name__ == "__main__":
    main()
