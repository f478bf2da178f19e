"""Per-bin flare / eclipse / quiet tagging of TESS-like light curves with a bidirectional GRU."""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

LC_DTYPE = np.dtype([
    ("tic_id", "i8"),
    ("time", "f4", (256,)),
    ("flux", "f4", (256,)),
    ("flux_err", "f4", (256,)),
    ("state", "i8", (256,)),
])

STATES = ("quiet", "flare", "eclipse")


def parse_args():
    p = argparse.ArgumentParser(description="bin-level event tagging")
    p.add_argument("--n-stars", type=int, default=96)
    p.add_argument("--bin", type=int, default=4, help="cadences per bin")
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-3)
    return p.parse_args([])


def simulate_catalogue(n, rng):
    cat = np.zeros(n, dtype=LC_DTYPE)
    cat["tic_id"] = rng.integers(10_000_000, 99_999_999, size=n)
    t = np.linspace(0.0, 13.7, 256, dtype=np.float32)
    for rec in cat:
        rec["time"] = t
        rec["flux"] = 1.0 + rng.normal(0, 1e-3, 256)
        rec["flux_err"] = 1e-3
        rec["state"] = 0
        for _ in range(rng.integers(0, 3)):
            t0 = rng.integers(10, 230)
            dur = rng.integers(4, 16)
            rec["flux"][t0:t0 + dur] -= rng.uniform(0.005, 0.02)
            rec["state"][t0:t0 + dur] = 2
        for _ in range(rng.integers(0, 4)):
            t0 = rng.integers(0, 248)
            amp = rng.uniform(0.01, 0.05)
            decay = np.exp(-np.arange(8) / 2.0)
            rec["flux"][t0:t0 + 8] += amp * decay
            rec["state"][t0:t0 + 8] = 1
    return cat


def bin_records(cat, nbin):
    n_out = cat["flux"].shape[1] // nbin
    flux = cat["flux"][:, : n_out * nbin].reshape(len(cat), n_out, nbin).mean(-1)
    err = np.sqrt((cat["flux_err"][:, : n_out * nbin] ** 2).reshape(len(cat), n_out, nbin).sum(-1)) / nbin
    st = cat["state"][:, : n_out * nbin].reshape(len(cat), n_out, nbin).max(-1)
    flux /= np.median(flux, axis=1, keepdims=True)
    flux -= 1.0
    flux /= np.maximum(err, 1e-6)
    return flux.astype(np.float32), err.astype(np.float32), st


class BinnedLightCurves(Dataset):
    __slots__ = ("flux", "err", "state")

    def __init__(self, flux, err, state):
        self.flux = torch.from_numpy(flux)
        self.err = torch.from_numpy(err)
        self.state = torch.from_numpy(state)

    def __len__(self):
        return self.flux.shape[0]

    def __getitem__(self, i):
        x = torch.stack([self.flux[i], torch.log10(self.err[i])], dim=-1)
        return {"x": x, "y": self.state[i]}


class EventTagger(nn.Module):
    def __init__(self, n_in, hidden, n_states):
        super().__init__()
        self.proj = nn.Linear(n_in, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_states)

    def forward(self, x):
        h = torch.tanh(self.proj(x))
        h, _ = self.gru(h)
        return self.head(h)


@dataclass
class EpochStats:
    loss: float = 0.0
    n: int = 0

    def update(self, loss, k):
        self.loss += loss * k
        self.n += k

    @property
    def mean(self):
        return self.loss / max(self.n, 1)


def class_weights(state, n_states):
    counts = np.bincount(state.ravel(), minlength=n_states).astype(np.float64)
    counts += 1.0
    w = counts.sum() / counts
    w /= w.mean()
    return torch.tensor(w, dtype=torch.float32)


def run_epoch(model, loader, opt, weights):
    model.train()
    stats = EpochStats()
    for batch in loader:
        logits = model(batch["x"])
        loss = F.cross_entropy(logits, batch["y"], weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        stats.update(loss.item(), batch["x"].shape[0])
    return stats.mean


def main():
    args = parse_args()
    rng = np.random.default_rng(2024)
    torch.manual_seed(0)

    cat = simulate_catalogue(args.n_stars, rng)
    flux, err, state = bin_records(cat, args.bin)
    print(f"binned {len(cat)} light curves to {flux.shape[1]} bins")

    ds = BinnedLightCurves(flux, err, state)
    loader = DataLoader(ds, batch_size=args.batch_size, shuffle=True)
    model = EventTagger(2, args.hidden, len(STATES))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    weights = class_weights(state, len(STATES))

    for epoch in range(args.epochs):
        loss = run_epoch(model, loader, opt, weights)
        print(f"epoch {epoch}: weighted CE {loss:.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(ds[0]["x"][None]).argmax(-1)[0].numpy()
    print("flagged bins:", {s: int((pred == k).sum()) for k, s in enumerate(STATES)})


if __name__ == "__main__":
    main()
