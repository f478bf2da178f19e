# Auto-exported from research/lob_event_transformer.ipynb
import itertools
from functools import partial

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

np.random.seed(11)
torch.manual_seed(11)

EVENT_TYPES = ["add_bid", "add_ask", "cancel_bid", "cancel_ask", "trade_buy", "trade_sell"]
SIZE_BUCKETS = np.array([100, 500, 2_000, 10_000])
VENUES = {"XNAS": 0, "ARCX": 1, "BATS": 2, "EDGX": 3, "IEXG": 4}
PAD_ID = 0
VOCAB = 1 + len(EVENT_TYPES) * (len(SIZE_BUCKETS) + 1)
MAX_EVENTS = 48


def encode_event(etype, size):
    bucket = int(np.searchsorted(SIZE_BUCKETS, size))
    return 1 + EVENT_TYPES.index(etype) * (len(SIZE_BUCKETS) + 1) + bucket


def event_stream(n_bars, rng):
    """Yield (tokens, venue_id, next_bar_return) one 1-second bar at a time."""
    imbalance = 0.0
    for _ in range(n_bars):
        n = rng.integers(6, MAX_EVENTS + 1)
        p_buy = 1 / (1 + np.exp(-imbalance))
        etypes = rng.choice(EVENT_TYPES, size=n,
                            p=[0.25, 0.25, 0.15, 0.15, 0.1 * p_buy * 2, 0.1 * (1 - p_buy) * 2])
        sizes = rng.lognormal(6, 1.2, size=n)
        toks = [encode_event(e, s) for e, s in zip(etypes, sizes)]
        flow = np.sum(etypes == "trade_buy") - np.sum(etypes == "trade_sell")
        imbalance = 0.8 * imbalance + 0.1 * flow
        ret = 1e-4 * flow + rng.normal(0, 2e-4)
        yield np.array(toks, dtype=np.int64), rng.integers(0, len(VENUES)), ret


def batched(it, n):
    it = iter(it)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def collate(chunk):
    B = len(chunk)
    L = max(len(t) for t, _, _ in chunk)
    ids = np.full((B, L), PAD_ID, dtype=np.int64)
    pad_mask = np.zeros((B, L), dtype=bool)
    for i, (toks, _, _) in enumerate(chunk):
        ids[i, :len(toks)] = toks
        pad_mask[i, len(toks):] = 1
    venue = np.array([v for _, v, _ in chunk])
    y = np.array([r > 0 for _, _, r in chunk], dtype=np.float32)
    return {
        "ids": torch.from_numpy(ids),
        "pad_mask": torch.from_numpy(pad_mask),
        "venue": torch.from_numpy(venue),
        "y": torch.from_numpy(y),
    }


class EventEncoder(nn.Module):
    def __init__(self, vocab, n_venues, d_model=32, n_heads=4, n_layers=2, max_len=MAX_EVENTS):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model, padding_idx=PAD_ID)
        self.pos = nn.Embedding(max_len, d_model)
        self.venue = nn.Embedding(n_venues, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, 1)

    def forward(self, ids, pad_mask, venue):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) + self.pos(pos)[None] + self.venue(venue)[:, None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = pad_mask.logical_not().unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


class Trainer:
    def __init__(self, model, optim_fn, callbacks=()):
        self.model = model
        self.opt = optim_fn(model.parameters())
        self.callbacks = list(callbacks)
        self.step = 0
        self.stop = False

    def fit(self, batches):
        self.model.train()
        for batch in batches:
            logits = self.model(batch["ids"], batch["pad_mask"], batch["venue"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["y"])
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            self.step += 1
            for cb in self.callbacks:
                cb(self, loss.item())
            if self.stop:
                break
        return self


def every_n_steps(n):
    running = []

    def _cb(trainer, loss):
        running.append(loss)
        if trainer.step % n == 0:
            print(f"step {trainer.step:4d}  bce {np.mean(running[-n:]):.4f}")
    return _cb


def max_steps(limit):
    def _cb(trainer, loss):
        if trainer.step >= limit:
            trainer.stop = True
    return _cb


rng = np.random.default_rng(3)
stream = (collate(c) for c in batched(event_stream(2_000, rng), 32))

model = EventEncoder(VOCAB, len(VENUES))
trainer = Trainer(model, partial(torch.optim.AdamW, lr=3e-4, betas=(0.9, 0.98)),
                  callbacks=[every_n_steps(10), max_steps(40)])
trainer.fit(stream)
print("done after", trainer.step, "steps")
