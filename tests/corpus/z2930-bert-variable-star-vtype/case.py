"""Variable-star typing from phase-folded, quantised light curves with a tiny BERT encoder."""
import argparse
import os

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VTYPES = {1: "RRAB", 2: "RRC", 3: "EA", 4: "DSCT"}

CAT_DTYPE = np.dtype([
    ("asassn_id", "U24"),
    ("period", "f8"),
    ("amp", "f4"),
    ("vtype", "i2"),
    ("mag", "f4", (200,)),
    ("mjd", "f8", (200,)),
])


def cli():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-obj", type=int, default=160)
    ap.add_argument("--n-levels", type=int, default=24)
    ap.add_argument("--n-phase", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--bs", type=int, default=16)
    return ap.parse_args([])


def template(vtype, phase, rng):
    if vtype == 1:
        return 0.9 * (phase ** 0.3 - 0.5)
    if vtype == 2:
        return -0.25 * np.cos(2 * np.pi * phase)
    if vtype == 3:
        d = np.minimum(np.abs(phase - 0.0), np.abs(phase - 1.0))
        s = np.abs(phase - 0.5)
        return 0.8 * np.exp(-0.5 * (d / 0.03) ** 2) + 0.3 * np.exp(-0.5 * (s / 0.03) ** 2)
    return -0.05 * np.sin(2 * np.pi * phase) * rng.uniform(0.5, 1.5)


def mock_catalogue(n, rng):
    cat = np.empty(n, dtype=CAT_DTYPE)
    cat["vtype"] = rng.integers(1, 5, n)
    cat["asassn_id"] = [f"ASASSN-V J{rng.integers(0, 10**6):06d}" for _ in range(n)]
    pmin = {1: 0.45, 2: 0.25, 3: 0.8, 4: 0.03}
    for row in cat:
        row["period"] = pmin[int(row["vtype"])] * rng.uniform(1.0, 2.0)
        row["mjd"] = np.sort(rng.uniform(57000, 58500, 200))
        ph = (row["mjd"] / row["period"]) % 1.0
        row["mag"] = 13.0 + template(int(row["vtype"]), ph, rng) + rng.normal(0, 0.02, 200)
        row["amp"] = np.ptp(row["mag"])
    return cat


def fold_and_bin(row, n_phase):
    ph = (row["mjd"] / row["period"]) % 1.0
    idx = np.minimum((ph * n_phase).astype(int), n_phase - 1)
    sums = np.bincount(idx, weights=row["mag"], minlength=n_phase)
    cnt = np.bincount(idx, minlength=n_phase)
    binned = np.divide(sums, cnt, out=np.full(n_phase, np.nan), where=cnt > 0)
    binned[np.isnan(binned)] = np.nanmedian(binned)
    binned -= binned.mean()
    start = int(np.argmax(binned))
    return np.roll(binned, -start)


def write_vocab(n_levels):
    path = os.path.join(HERE, "mag_vocab.txt")
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"m{i:02d}" for i in range(n_levels)]
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return path


def to_text(curves, n_levels):
    lo, hi = np.percentile(curves, [1, 99])
    q = np.clip(((curves - lo) / (hi - lo) * n_levels).astype(int), 0, n_levels - 1)
    return [" ".join(f"m{v:02d}" for v in row) for row in q]


def batches(enc, labels, bs, gen):
    order = torch.randperm(labels.shape[0], generator=gen)
    for s in range(0, len(order), bs):
        sel = order[s:s + bs]
        yield {k: v[sel] for k, v in enc.items()} | {"labels": labels[sel]}


def main():
    args = cli()
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(7)

    cat = mock_catalogue(args.n_obj, rng)
    curves = np.stack([fold_and_bin(r, args.n_phase) for r in cat])
    texts = to_text(curves, args.n_levels)

    tok = BertTokenizer(write_vocab(args.n_levels))
    enc = tok(texts, padding="max_length", max_length=args.n_phase + 2, truncation=True, return_tensors="pt")
    labels = torch.as_tensor(cat["vtype"], dtype=torch.long)

    cfg = BertConfig(
        vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(VTYPES),
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for ep in range(args.epochs):
        model.train()
        tot, nb = 0.0, 0
        for batch in batches(enc, labels, args.bs, gen):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            tot += out.loss.item()
            nb += 1
        print(f"epoch {ep}: loss {tot / nb:.3f}")

    model.eval()
    with torch.no_grad():
        pred = model(**{k: v[:8] for k, v in enc.items()}).logits.argmax(-1)
    names = list(VTYPES.values())
    print([names[int(p)] for p in pred])


if __name__ == "__main__":
    main()
