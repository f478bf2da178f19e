"""Patch-transformer forecaster for sea-surface temperature anomalies.

Each day's SST anomaly map (lat, lon) is cut into square patches; patches that
are entirely land are masked out of attention. A learned query token is
prepended and its final hidden state regresses the Nino-3.4 index `lead` days
ahead.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel


def build_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--nlat", type=int, default=16)
    parser.add_argument("--nlon", type=int, default=32)
    parser.add_argument("--patch", type=int, default=4)
    parser.add_argument("--lead", type=int, default=5)
    parser.add_argument("--d-model", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=20)
    return parser.parse_args(["--patch", "4", "--lead", "5", "--steps", "20"])


def synthetic_sst(days, nlat, nlon, rng):
    lat = np.linspace(-20, 20, nlat)
    lon = np.linspace(120, 280, nlon)
    t = np.arange(days)
    enso = np.sin(2 * np.pi * t / 90.0) + 0.3 * rng.standard_normal(days)
    pattern = np.exp(-(lat[:, None] / 8.0) ** 2) * np.exp(-((lon[None, :] - 220.0) / 40.0) ** 2)
    field = enso[:, None, None] * pattern[None] + 0.2 * rng.standard_normal((days, nlat, nlon))
    land = np.zeros((nlat, nlon), dtype=bool)
    land[:6, :5] = True
    land[-4:, -4:] = True
    field[:, land] = np.nan
    nino34 = np.nanmean(field[:, (np.abs(lat) <= 5)][:, :, (lon >= 190) & (lon <= 240)], axis=(1, 2))
    return field.astype(np.float32), land, nino34.astype(np.float32)


def to_patches(field, p):
    t, ny, nx = field.shape
    x = field.reshape(t, ny // p, p, nx // p, p).transpose(0, 1, 3, 2, 4)
    return x.reshape(t, (ny // p) * (nx // p), p * p)


def patch_valid(land, p):
    ny, nx = land.shape
    blocks = land.reshape(ny // p, p, nx // p, p).transpose(0, 2, 1, 3).reshape(-1, p * p)
    return ~blocks.all(axis=1)


class SSTPatchFormer(nn.Module):
    def __init__(self, patch_dim, n_patches, d_model):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8,
            hidden_size=d_model,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=n_patches + 8,
        )
        self.embed = nn.Linear(patch_dim, d_model)
        self.query = nn.Parameter(torch.zeros(1, 1, d_model))
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(d_model, 1)

    def forward(self, patches, attention_mask):
        tokens = self.embed(patches)
        q = self.query.expand(tokens.size(0), -1, -1)
        tokens = torch.cat([q, tokens], dim=1)
        out = self.encoder(inputs_embeds=tokens, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0]).squeeze(-1)


def batches(x, y, mask, batch, rng):
    n = len(x)
    while True:
        idx = rng.choice(n, size=batch, replace=False)
        yield {
            "patches": torch.from_numpy(x[idx]),
            "attention_mask": torch.from_numpy(np.repeat(mask[None], batch, axis=0)),
            "target": torch.from_numpy(y[idx]),
        }


def main():
    args = build_args()
    rng = np.random.default_rng(3)
    torch.manual_seed(3)

    sst, land, nino34 = synthetic_sst(args.days, args.nlat, args.nlon, rng)
    patches = np.nan_to_num(to_patches(sst, args.patch), nan=0.0)
    valid = patch_valid(land, args.patch)
    attn_mask = valid.astype(np.int64)
    print("patches", patches.shape, "valid patches", int(valid.sum()), "/", valid.size)

    x = patches[: -args.lead]
    y = nino34[args.lead:]
    n_train = int(0.8 * len(x))

    model = SSTPatchFormer(args.patch * args.patch, patches.shape[1], args.d_model)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    stream = batches(x[:n_train], y[:n_train], attn_mask, args.batch, rng)
    for step in range(args.steps):
        b = next(stream)
        pred = model(b["patches"], b["attention_mask"])
        loss = nn.functional.mse_loss(pred, b["target"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:3d} mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        xv = torch.from_numpy(x[n_train:])
        mv = torch.from_numpy(np.repeat(attn_mask[None], len(xv), axis=0))
        err = nn.functional.mse_loss(model(xv, mv), torch.from_numpy(y[n_train:]))
    print(f"validation mse {err.item():.4f}")


if __name__ == "__main__":
    main()
