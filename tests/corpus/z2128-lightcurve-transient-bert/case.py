"""Transient classification from irregularly sampled multi-band light curves.

Each object is a variable-length list of detections (mjd, passband, flux, flux_err).
Detections are embedded one by one, a learned summary token is prepended, and a small
BERT encoder (random init) reads the sequence through inputs_embeds.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

TRANSIENT_CLASSES = ["SNIa", "SNII", "SLSN", "AGN", "RRL"]
PASSBANDS = "ugrizy"
MAX_DETECTIONS = 48
D_MODEL = 32

rng = np.random.default_rng(7)
random.seed(7)
torch.manual_seed(7)


def simulate_object(cls_idx):
    n_det = int(rng.integers(12, MAX_DETECTIONS + 1))
    mjd = np.sort(rng.uniform(0.0, 120.0, size=n_det))
    band = rng.integers(0, len(PASSBANDS), size=n_det)
    t0 = rng.uniform(20, 60)
    if cls_idx < 3:
        rise, fall = 3.0 + 2 * cls_idx, 20.0 + 15 * cls_idx
        shape = np.exp(-(mjd - t0) / fall) / (1 + np.exp(-(mjd - t0) / rise))
    elif cls_idx == 3:
        shape = 0.5 + 0.3 * np.cumsum(rng.normal(0, 0.1, size=n_det))
    else:
        shape = 0.5 + 0.4 * np.sin(2 * math.pi * mjd / rng.uniform(0.3, 0.9))
    flux_err = rng.uniform(0.02, 0.1, size=n_det)
    flux = shape * (1.0 + 0.1 * band) + rng.normal(0, flux_err)
    return {"mjd": mjd, "band": band, "flux": flux, "flux_err": flux_err, "label": cls_idx}


def collate_light_curves(objects):
    longest = max(len(o["mjd"]) for o in objects)
    n = len(objects)
    feats = torch.zeros(n, longest, 3)
    bands = torch.zeros(n, longest, dtype=torch.long)
    times = torch.zeros(n, longest)
    det_mask = torch.zeros(n, longest, dtype=torch.long)
    for i, o in enumerate(objects):
        k = len(o["mjd"])
        rel_t = o["mjd"] - o["mjd"][0]
        peak = np.abs(o["flux"]).max() + 1e-6
        feats[i, :k, 0] = torch.tensor(o["flux"] / peak, dtype=torch.float32)
        feats[i, :k, 1] = torch.tensor(o["flux_err"] / peak, dtype=torch.float32)
        feats[i, :k, 2] = torch.tensor(np.log1p(np.diff(rel_t, prepend=0.0)), dtype=torch.float32)
        bands[i, :k] = torch.tensor(o["band"])
        times[i, :k] = torch.tensor(rel_t, dtype=torch.float32)
        det_mask[i, :k] = 1
    labels = torch.tensor([o["label"] for o in objects])
    return feats, bands, times, det_mask, labels


class CadenceTimeEncoding(nn.Module):
    """Sinusoidal encoding of the (irregular) observation time in days."""

    def __init__(self, dim, max_period=500.0):
        super().__init__()
        freqs = torch.exp(torch.linspace(0, -math.log(max_period), dim // 2))
        self.register_buffer("freqs", freqs)

    def forward(self, t):
        angles = t.unsqueeze(-1) * self.freqs
        return torch.cat([angles.sin(), angles.cos()], dim=-1)


class LightCurveTransformer(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        cfg = BertConfig(
            vocab_size=8, hidden_size=D_MODEL, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=MAX_DETECTIONS + 16,
            hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
        )
        self.detection_proj = nn.Linear(3, D_MODEL)
        self.band_embed = nn.Embedding(len(PASSBANDS), D_MODEL)
        self.time_enc = CadenceTimeEncoding(D_MODEL)
        self.summary_token = nn.Parameter(torch.randn(1, 1, D_MODEL) * 0.02)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.LayerNorm(D_MODEL), nn.Linear(D_MODEL, n_classes))

    def forward(self, feats, bands, times, det_mask):
        tokens = self.detection_proj(feats) + self.band_embed(bands) + self.time_enc(times)
        summary = self.summary_token.expand(tokens.size(0), -1, -1)
        tokens = torch.cat([summary, tokens], dim=1)
        out = self.encoder(inputs_embeds=tokens, attention_mask=det_mask)
        return self.head(out.last_hidden_state[:, 0])


def main():
    catalog = [simulate_object(i % len(TRANSIENT_CLASSES)) for i in range(160)]
    random.shuffle(catalog)
    split = int(0.8 * len(catalog))
    train_objs, val_objs = catalog[:split], catalog[split:]

    model = LightCurveTransformer(len(TRANSIENT_CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    batch_size = 16

    for epoch in range(3):
        model.train()
        random.shuffle(train_objs)
        running = 0.0
        for start in range(0, len(train_objs), batch_size):
            feats, bands, times, det_mask, labels = collate_light_curves(train_objs[start:start + batch_size])
            logits = model(feats, bands, times, det_mask)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * labels.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(val_objs), batch_size):
                feats, bands, times, det_mask, labels = collate_light_curves(val_objs[start:start + batch_size])
                pred = model(feats, bands, times, det_mask).argmax(-1)
                correct += (pred == labels).sum().item()
        print(f"epoch {epoch}: train loss {running / len(train_objs):.3f}  "
              f"val acc {correct / len(val_objs):.3f}")


if __name__ == "__main__":
    main()
