import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

PRECIP_BINS_MM = [0.1, 2.0, 10.0]
LABEL_NAMES = ["dry", "light", "moderate", "heavy"]


def get_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", type=int, nargs=2, default=[24, 32])
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--history", type=int, default=3)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=7)
    return ap.parse_args(["--grid", "24", "32", "--history", "3", "--steps", "12"])


@dataclass
class Era5Like:
    tp: np.ndarray
    tcwv: np.ndarray
    lsm: np.ndarray


def fake_era5(n_time, n_lat, n_lon, rng):
    tcwv = 20 + 10 * rng.random((n_time, n_lat, n_lon))
    tcwv = 0.6 * tcwv + 0.4 * np.roll(tcwv, 1, axis=0)
    tp = np.clip(rng.gamma(0.6, 3.0, (n_time, n_lat, n_lon)) * (tcwv / 25.0) - 0.5, 0, None)
    lsm = (rng.random((n_lat, n_lon)) > 0.35).astype(np.float32)
    return Era5Like(tp.astype(np.float32), tcwv.astype(np.float32), lsm)


def to_patches(arr, p):
    *lead, h, w = arr.shape
    arr = arr.reshape(*lead, h // p, p, w // p, p)
    arr = np.moveaxis(arr, -3, -2)
    return arr.reshape(*lead, (h // p) * (w // p), p * p)


def patch_labels(tp, lsm, p):
    mean_tp = to_patches(tp, p).mean(-1)
    land_frac = to_patches(lsm, p).mean(-1)
    lab = np.digitize(mean_tp, PRECIP_BINS_MM)
    lab = np.where(land_frac[None] < 0.25, -100, lab)
    return lab.astype(np.int64)


def make_samples(ds, history, p):
    feats = np.concatenate([to_patches(ds.tp, p), to_patches(ds.tcwv / 50.0, p)], axis=-1)
    labels = patch_labels(ds.tp, ds.lsm, p)
    xs, ys = [], []
    for t in range(history, ds.tp.shape[0] - 1):
        window = feats[t - history : t]
        xs.append(np.concatenate(list(window), axis=-1))
        ys.append(labels[t + 1])
    return np.stack(xs).astype(np.float32), np.stack(ys)


def batches(x, y, bs, rng):
    while True:
        idx = rng.choice(len(x), size=bs, replace=False)
        yield {"feats": torch.from_numpy(x[idx]), "labels": torch.from_numpy(y[idx])}


class PatchPrecipClassifier(nn.Module):
    def __init__(self, in_dim, n_patches, hidden, n_classes):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=2 * hidden,
            max_position_embeddings=n_patches,
        )
        self.proj = nn.Linear(in_dim, hidden)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.cls = nn.Linear(hidden, n_classes)

    def forward(self, feats):
        h = self.encoder(inputs_embeds=self.proj(feats)).last_hidden_state
        return self.cls(h)


def main():
    args = get_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    n_lat, n_lon = args.grid
    ds = fake_era5(80, n_lat, n_lon, rng)
    x, y = make_samples(ds, args.history, args.patch)
    print("samples", x.shape, "labels", y.shape, "class counts", np.bincount(y[y >= 0], minlength=len(LABEL_NAMES)))

    n_patches = x.shape[1]
    model = PatchPrecipClassifier(x.shape[-1], n_patches, args.hidden, len(LABEL_NAMES))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    stream = batches(x, y, args.batch, rng)
    for step in range(args.steps):
        batch = next(stream)
        logits = model(batch["feats"])
        loss = F.cross_entropy(logits, batch["labels"], ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 4 == 0:
            acc = (logits.argmax(-1) == batch["labels"]).float()[batch["labels"] >= 0].mean()
            print(f"step {step:3d} loss {loss.item():.3f} acc {acc.item():.3f}")


if __name__ == "__main__":
    main()
