"""Baleen-whale call detector on hydrophone clips.

Each clip is turned into a short-time spectrum (hand-rolled STFT, Hann window),
every frame is reduced to the index of its dominant frequency bin, and the
resulting "frequency-track tokens" are fed to an embedding + attention-pooling
classifier: call present / absent.
"""
import functools

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 3
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

fs_hz = 2000.0
dt_s = 1.0 / fs_hz
t_clip_s = 2.0
n_fft = 128
hop = 64
f_max_hz = 400.0             # band of interest for fin/blue whale calls

n_samp = int(round(t_clip_s * fs_hz))
n_frame = 1 + (n_samp - n_fft) // hop
f_bin_hz = np.fft.rfftfreq(n_fft, dt_s)
band = f_bin_hz <= f_max_hz
n_fbin = int(band.sum())

BOS_ID, EOS_ID = n_fbin, n_fbin + 1
len_seq = n_frame + 2


def synth_clip(has_call):
    t_s = np.arange(n_samp) * dt_s
    x = 0.3 * rng.standard_normal(n_samp)
    x += 0.2 * np.sin(2 * np.pi * rng.uniform(40, 60) * t_s)       # ship tonal
    if has_call:
        f0_hz, f1_hz = rng.uniform(180, 220), rng.uniform(60, 90)  # down-sweep
        t0_s, dur_s = rng.uniform(0.2, 0.8), 1.0
        on = (t_s >= t0_s) & (t_s < t0_s + dur_s)
        k_hz_per_s = (f1_hz - f0_hz) / dur_s
        tau_s = t_s - t0_s
        phase = 2 * np.pi * (f0_hz * tau_s + 0.5 * k_hz_per_s * tau_s ** 2)
        x += np.where(on, 1.5 * np.sin(phase), 0.0)
    return x


@functools.lru_cache(maxsize=None)
def dft_matrix():
    n = np.arange(n_fft)
    k = np.arange(n_fft // 2 + 1)[band]
    return np.exp(-2j * np.pi * np.outer(k, n) / n_fft)


def track_tokens(x):
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n_frame)[:, None]
    frames = x[idx] * np.hanning(n_fft)[None, :]
    power = np.abs(np.einsum("kn,tn->tk", dft_matrix(), frames)) ** 2
    tok = power.argmax(axis=1)
    assert tok.shape == (n_frame,) and tok.max() < n_fbin
    return np.concatenate([[BOS_ID], tok, [EOS_ID]]).astype(np.int64)


class TrackClassifier(nn.Module):
    """Embedding per frequency bin, learned position, attention pooling."""

    def __init__(self, n_tok, len_seq, d_emb=24):
        super().__init__()
        self.emb = nn.Embedding(n_tok, d_emb)
        self.pos = nn.Parameter(0.02 * torch.randn(len_seq, d_emb))
        self.query = nn.Parameter(torch.randn(d_emb) / d_emb ** 0.5)
        self.out = nn.Linear(d_emb, 2)

    def forward(self, tok):
        h = torch.tanh(self.emb(tok) + self.pos)            # (B, T, D)
        score = torch.einsum("btd,d->bt", h, self.query)
        w = score.softmax(dim=1)
        pooled = torch.einsum("bt,btd->bd", w, h)
        return self.out(pooled)


n_clip = 40
has_call = rng.random(n_clip) < 0.5
tok_np = np.stack([track_tokens(synth_clip(c)) for c in has_call])
y_np = has_call.astype(np.int64)
assert tok_np.shape == (n_clip, len_seq)
print(f"{n_clip} clips, {n_frame} STFT frames, {n_fbin} bins up to {f_max_hz:.0f} Hz, "
      f"{has_call.sum()} with calls")

tok = torch.from_numpy(tok_np)
y = torch.from_numpy(y_np)
n_train = 32

model = TrackClassifier(n_tok=n_fbin + 2, len_seq=len_seq)  # bins + BOS/EOS
opt = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(30):
    model.train()
    logit = model(tok[:n_train])
    loss = F.cross_entropy(logit, y[:n_train])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}")

model.eval()
with torch.no_grad():
    pred = model(tok[n_train:]).argmax(-1).numpy()
acc = (pred == y_np[n_train:]).mean()
print(f"held-out detection accuracy: {acc:.2f} on {n_clip - n_train} clips")
