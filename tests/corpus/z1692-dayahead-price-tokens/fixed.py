"""Day-ahead price forecasting with a small causal LM over quantised prices.

Chronos-style recipe: each delivery day's hourly prices are mean-scaled by the
previous week's level, clipped and mapped to one of N uniform bins. A tiny GPT-2
is trained to predict the next hourly bin; the week of history is closed by an
end-of-context marker before the 24 target hours.
"""
import math

import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(3)
rng = np.random.default_rng(3)

CONTEXT_DAYS = 7
DELIVERY_H = 24
CLIP = 4.0


class PriceQuantizer:
    def __init__(self, n_bins=512, clip=CLIP):
        self.n_bins = n_bins
        self.edges = np.linspace(-clip, clip, n_bins - 1)
        self.centers = np.concatenate([[-clip], (self.edges[:-1] + self.edges[1:]) / 2, [clip]])
        # special ids live after the value bins
        self.pad_id = n_bins
        self.eos_id = n_bins + 1

    def __len__(self):
        return self.n_bins + 2

    def encode(self, prices, scale):
        z = np.clip(prices / scale, -CLIP, CLIP)
        return np.digitize(z, self.edges)

    def decode(self, ids, scale):
        ids = np.clip(ids, 0, self.n_bins - 1)
        return self.centers[ids] * scale


def simulate_auction(n_days=50):
    hours = np.arange(n_days * 24)
    hod = hours % 24
    dow = (hours // 24) % 7
    gas = 35 + np.cumsum(rng.normal(0, 0.6, n_days)).repeat(24)
    shape = 1 + 0.25 * np.sin(2 * np.pi * (hod - 8) / 24) + 0.2 * ((hod >= 17) & (hod <= 20))
    solar_dip = 0.35 * np.exp(-((hod - 13) ** 2) / 5) * (1 + 0.5 * np.sin(2 * np.pi * hours / (24 * 365)))
    weekend = np.where(dow >= 5, 0.85, 1.0)
    price = gas * 2.1 * (shape - solar_dip) * weekend + rng.normal(0, 6, hours.shape)
    return price.astype(np.float64)


def make_sequences(price, quant):
    seqs, scales = [], []
    n_days = len(price) // 24
    for d in range(CONTEXT_DAYS, n_days):
        hist = price[(d - CONTEXT_DAYS) * 24:d * 24]
        target = price[d * 24:(d + 1) * 24]
        scale = max(np.abs(hist).mean(), 1.0)
        ids = np.concatenate([quant.encode(hist, scale), [quant.eos_id], quant.encode(target, scale)])
        seqs.append(ids)
        scales.append(scale)
    return torch.tensor(np.stack(seqs), dtype=torch.long), np.array(scales)


def build_model(quant, seq_len):
    cfg = GPT2Config(
        vocab_size=len(quant),
        n_positions=seq_len,
        n_embd=48,
        n_layer=2,
        n_head=4,
        bos_token_id=quant.eos_id,
        eos_token_id=quant.eos_id,
        pad_token_id=quant.pad_id,
    )
    return GPT2LMHeadModel(cfg)


def train(model, seqs, epochs=1, batch=32):
    n_ctx = CONTEXT_DAYS * 24 + 1
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for ep in range(epochs):
        perm = torch.randperm(len(seqs))
        total = 0.0
        for i in range(0, len(seqs), batch):
            chunk = seqs[perm[i:i + batch]]
            labels = chunk.clone()
            labels[:, :n_ctx] = -100
            out = model(input_ids=chunk, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item() * len(chunk)
        print(f"epoch {ep}: nll {total / len(seqs):.3f}")


@torch.no_grad()
def forecast_day(model, quant, prefix, scale):
    ids = prefix.clone()[None]
    for _ in range(DELIVERY_H):
        logits = model(input_ids=ids).logits[:, -1]
        nxt = logits.argmax(-1, keepdim=True)
        ids = torch.cat([ids, nxt], 1)
    return quant.decode(ids[0, -DELIVERY_H:].numpy(), scale)


def main():
    price = simulate_auction()
    quant = PriceQuantizer()
    seqs, scales = make_sequences(price, quant)
    n_train = int(0.85 * len(seqs))
    print(f"{len(seqs)} delivery days, sequence length {seqs.shape[1]}, {len(quant)} token ids")

    model = build_model(quant, seqs.shape[1])
    train(model, seqs[:n_train])

    model.eval()
    n_ctx = CONTEXT_DAYS * 24 + 1
    errs = []
    for k in range(n_train, min(n_train + 2, len(seqs))):
        pred = forecast_day(model, quant, seqs[k, :n_ctx], scales[k])
        actual = price[(k + CONTEXT_DAYS) * 24:(k + CONTEXT_DAYS + 1) * 24]
        errs.append(np.abs(pred - actual).mean())
    print(f"holdout MAE {np.mean(errs):.2f} EUR/MWh over {len(errs)} days")
    assert math.isfinite(float(np.mean(errs)))


if __name__ == "__main__":
    main()
