"""Classify synthetic TESS-like light curves (transit vs. flare vs. quiet)
with a GRU over quantised flux tokens."""
import argparse
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

LC_DTYPE = np.dtype([
    ("tic_id", "i8"),
    ("time", "f8", (256,)),
    ("flux", "f4", (256,)),
    ("flux_err", "f4", (256,)),
    ("label", "i4"),
])


def get_args():
    p = argparse.ArgumentParser(description="token GRU for light curves")
    p.add_argument("--n-stars", type=int, default=192)
    p.add_argument("--n-bins", type=int, default=48)
    p.add_argument("--emb-dim", type=int, default=16)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args([])


def simulate(n, rng):
    cat = np.zeros(n, dtype=LC_DTYPE)
    cat["tic_id"] = rng.integers(10_000_000, 99_999_999, size=n)
    t = np.linspace(0.0, 13.7, 256)
    cat["time"][:] = t
    cat["label"] = rng.integers(0, 3, size=n)
    for row in cat:
        f = row["flux"]
        f[:] = 1.0
        f += rng.normal(0.0, 8e-4, size=256)
        if row["label"] == 1:
            period = rng.uniform(1.5, 5.0)
            phase = (t / period) % 1.0
            f[phase < 0.04] -= rng.uniform(0.004, 0.012)
        elif row["label"] == 2:
            i0 = rng.integers(10, 230)
            amp = rng.uniform(0.01, 0.05)
            f[i0:] += amp * np.exp(-(t[i0:] - t[i0]) / 0.15)
        row["flux_err"][:] = 8e-4
    return cat


class FluxQuantiser:
    __slots__ = ("n_bins", "edges")

    def __init__(self, n_bins):
        self.n_bins = n_bins
        self.edges = None

    def fit(self, flux):
        lo, hi = np.percentile(flux, [0.5, 99.5])
        self.edges = np.linspace(lo, hi, self.n_bins + 1)
        return self

    def transform(self, flux):
        return np.digitize(flux, self.edges[1:-1]).astype(np.int64)


class TokenSet(Dataset):
    def __init__(self, tokens, labels):
        self.tokens = torch.from_numpy(tokens)
        self.labels = torch.from_numpy(labels.astype(np.int64))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"tok": self.tokens[i], "y": self.labels[i]}


class FluxGRU(nn.Module):
    def __init__(self, n_tokens, emb_dim, hidden, n_classes=3):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.LayerNorm(2 * hidden), nn.Linear(2 * hidden, n_classes))

    def forward(self, tok):
        h, _ = self.gru(self.embed(tok))
        return self.head(h.mean(dim=1))


def normalise(cat):
    flux = cat["flux"].copy()
    flux /= np.median(flux, axis=1, keepdims=True)
    flux -= 1.0
    flux *= 1e3
    return flux


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    tot, correct, loss_sum = 0, 0, 0.0
    for batch in loader:
        with torch.set_grad_enabled(train):
            logits = model(batch["tok"])
            loss = nn.functional.cross_entropy(logits, batch["y"])
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        loss_sum += loss.item() * len(batch["y"])
        correct += (logits.argmax(-1) == batch["y"]).sum().item()
        tot += len(batch["y"])
    return loss_sum / tot, correct / tot


def main():
    args = get_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    cat = simulate(args.n_stars, rng)
    ppt = normalise(cat)
    n_train = int(0.75 * len(cat))

    quant = FluxQuantiser(args.n_bins).fit(ppt[:n_train])
    tokens = quant.transform(ppt)
    print(f"tokenised {tokens.shape[0]} light curves x {tokens.shape[1]} cadences")

    train_ds = TokenSet(tokens[:n_train], cat["label"][:n_train])
    val_ds = TokenSet(tokens[n_train:], cat["label"][n_train:])
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = FluxGRU(args.n_bins, args.emb_dim, args.hidden)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    for epoch in range(args.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  val {va_loss:.3f}/{va_acc:.2f}")


if __name__ == "__main__":
    main()
