"""Transient classifier: irregularly sampled light curves -> token sequences -> tiny BERT encoder.

Each observation is encoded as two tokens: a bin for the time gap since the previous
epoch and a bin for the (normalised) flux.  A [CLS] token is prepended.
"""
import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel

rng = np.random.default_rng(7)
CLASSES = ["SNIa", "SNII", "AGN", "RRLyr"]
N_GAP_BINS = 16
N_FLUX_BINS = 32
CLS_TOKEN, PAD_TOKEN = 0, 1
GAP_OFFSET = 2
FLUX_OFFSET = GAP_OFFSET + N_GAP_BINS
VOCAB = FLUX_OFFSET + N_FLUX_BINS


def simulate_light_curve(kind, n_obs):
    """Return (mjd, flux, flux_err) with irregular cadence."""
    mjd = np.sort(rng.uniform(0.0, 120.0, n_obs))
    if kind == 0:
        flux = 20 * np.exp(-0.5 * ((mjd - 40) / 12) ** 2)
    elif kind == 1:
        flux = 15 * np.where(mjd < 30, mjd / 30, 1.0) * np.exp(-np.clip(mjd - 70, 0, None) / 20)
    elif kind == 2:
        flux = 8 + np.cumsum(rng.normal(0, 0.6, n_obs))
    else:
        flux = 10 + 4 * np.sin(2 * np.pi * mjd / 0.57)
    err = 0.5 + 0.05 * np.abs(flux)
    return mjd, flux + rng.normal(0, err), err


def tokenize(mjd, flux):
    gaps = np.diff(mjd, prepend=mjd[0])
    gap_bins = np.clip(np.log1p(gaps) / np.log1p(30.0) * N_GAP_BINS, 0, N_GAP_BINS - 1).astype(int)
    z = (flux - np.median(flux)) / (np.std(flux) + 1e-6)
    flux_bins = np.clip((z + 3) / 6 * N_FLUX_BINS, 0, N_FLUX_BINS - 1).astype(int)
    toks = np.empty(2 * len(mjd), dtype=np.int64)
    toks[0::2] = GAP_OFFSET + gap_bins
    toks[1::2] = FLUX_OFFSET + flux_bins
    return [CLS_TOKEN] + toks.tolist()


# ---- build a small alert stream -------------------------------------------------
catalog = []
for i in range(48):
    kind = i % len(CLASSES)
    n_obs = int(rng.integers(12, 45))
    mjd, flux, err = simulate_light_curve(kind, n_obs)
    catalog.append({"oid": f"ZTF24a{i:05d}", "label": kind, "mjd": mjd, "flux": flux, "err": err})

max_obs = max(len(src["mjd"]) for src in catalog)
print(f"{len(catalog)} light curves, longest has {max_obs} epochs")

encoder_cfg = BertConfig(
    vocab_size=VOCAB,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=max_obs + 2,
    pad_token_id=PAD_TOKEN,
)


class LightCurveTransformer(nn.Module):
    def __init__(self, cfg, n_classes):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.hidden_size), nn.Linear(cfg.hidden_size, n_classes))

    def forward(self, tokens, attn):
        hidden = self.encoder(input_ids=tokens, attention_mask=attn).last_hidden_state
        return self.head(hidden[:, 0])


def collate(sources):
    seqs = [tokenize(s["mjd"], s["flux"]) for s in sources]
    width = max(len(s) for s in seqs)
    tokens = torch.full((len(seqs), width), PAD_TOKEN, dtype=torch.long)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        tokens[row, : len(seq)] = torch.tensor(seq)
        attn[row, : len(seq)] = 1
    labels = torch.tensor([s["label"] for s in sources])
    return tokens, attn, labels


model = LightCurveTransformer(encoder_cfg, len(CLASSES))
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()

order = rng.permutation(len(catalog))
train_ids, val_ids = order[:36], order[36:]
batch_size = 8

for epoch in range(3):
    model.train()
    running = 0.0
    for start in range(0, len(train_ids), batch_size):
        batch = [catalog[j] for j in train_ids[start : start + batch_size]]
        tokens, attn, labels = collate(batch)
        logits = model(tokens, attn)
        loss = loss_fn(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        running += loss.item() * len(batch)
    print(f"epoch {epoch}: train loss {running / len(train_ids):.3f}")

model.eval()
with torch.no_grad():
    tokens, attn, labels = collate([catalog[j] for j in val_ids])
    preds = model(tokens, attn).argmax(-1)
acc = (preds == labels).float().mean().item()
print(f"validation accuracy on {len(val_ids)} alerts: {acc:.2f}")
for j, p in zip(val_ids[:5], preds[:5].tolist()):
    print(catalog[j]["oid"], "->", CLASSES[p])
