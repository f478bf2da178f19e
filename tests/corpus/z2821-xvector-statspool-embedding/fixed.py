import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    SEED = 7
    SR = 16000
    FRAME_LEN = 400
    FRAME_SHIFT = 160
    NFFT = 512
    NMELS = 30
    N_SPEAKERS = 24
    UTTS_PER_SPK = 6
    CROP_SEC = (1.0, 1.6)
    TDNN_CH = 128
    EMB_DIM = 64
    BATCH = 12
    LR = 1e-3
    TOTAL_STEPS = 30
    PRINT_EVERY = 5


rng = np.random.default_rng(Config.SEED)
torch.manual_seed(Config.SEED)


def mel_filterbank(sr, nfft, nmels):
    mel = lambda f: 1127.0 * np.log1p(f / 700.0)
    inv = lambda m: 700.0 * (np.expm1(m / 1127.0))
    edges = inv(np.linspace(mel(0.0), mel(sr / 2), nmels + 2))
    freqs = np.linspace(0, sr / 2, nfft // 2 + 1)
    fb = np.zeros((nfft // 2 + 1, nmels), dtype=np.float32)
    for j in range(nmels):
        l, c, r = edges[j:j + 3]
        fb[:, j] = np.maximum(0.0, np.minimum((freqs - l) / (c - l), (r - freqs) / (r - c)))
    return torch.from_numpy(fb)


FBANK = mel_filterbank(Config.SR, Config.NFFT, Config.NMELS)
HAMMING = torch.hamming_window(Config.FRAME_LEN, periodic=False)


def fbank_features(signal):
    signal = torch.cat([signal[:1], signal[1:] - 0.97 * signal[:-1]])
    frames = signal.unfold(0, Config.FRAME_LEN, Config.FRAME_SHIFT)
    frames = (frames - frames.mean(dim=1, keepdim=True)) * HAMMING
    power = torch.fft.rfft(frames, n=Config.NFFT).abs().pow(2) / Config.NFFT
    feats = torch.log(torch.clamp(power @ FBANK, min=1e-10))
    feats = feats - feats.mean(dim=0, keepdim=True)
    return feats.T


def speaker_voice(spk_id, seconds):
    n = int(seconds * Config.SR)
    t = np.arange(n) / Config.SR
    f0 = 95 + 9 * spk_id
    vib = 1 + 0.02 * np.sin(2 * math.pi * (4 + spk_id % 3) * t)
    sig = np.zeros(n)
    for k, amp in enumerate([1.0, 0.6, 0.35, 0.2], start=1):
        sig += amp * np.sin(2 * math.pi * f0 * k * vib * t + rng.uniform(0, 2 * math.pi))
    sig *= 0.5 + 0.5 * np.abs(np.sin(2 * math.pi * 3 * t))
    sig += 0.05 * rng.standard_normal(n)
    return torch.tensor(sig, dtype=torch.float32)


corpus = [
    (spk, speaker_voice(spk, 2.0))
    for spk in range(Config.N_SPEAKERS)
    for _ in range(Config.UTTS_PER_SPK)
]


@dataclass
class SpeakerBatch:
    feats: torch.Tensor
    speakers: torch.Tensor


def batch_stream():
    while True:
        order = rng.permutation(len(corpus))
        for start in range(0, len(order) - Config.BATCH + 1, Config.BATCH):
            crop = rng.uniform(*Config.CROP_SEC)
            n = int(crop * Config.SR)
            feats, spks = [], []
            for idx in order[start:start + Config.BATCH]:
                spk, wav = corpus[idx]
                off = rng.integers(0, wav.numel() - n + 1)
                feats.append(fbank_features(wav[off:off + n]))
                spks.append(spk)
            yield SpeakerBatch(torch.stack(feats), torch.tensor(spks))


class StatsPooling(nn.Module):
    def forward(self, x):
        mu = x.mean(dim=-1)
        sigma = torch.sqrt(x.var(dim=-1, unbiased=False).clamp(min=1e-5))
        return torch.cat([mu, sigma], dim=-1)


def tdnn(c_in, c_out, k, d):
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel_size=k, dilation=d),
        nn.ReLU(),
        nn.BatchNorm1d(c_out),
    )


def build_xvector():
    return nn.Sequential(
        tdnn(Config.NMELS, Config.TDNN_CH, 5, 1),
        tdnn(Config.TDNN_CH, Config.TDNN_CH, 3, 2),
        tdnn(Config.TDNN_CH, Config.TDNN_CH, 3, 3),
        tdnn(Config.TDNN_CH, Config.TDNN_CH, 1, 1),
        StatsPooling(),
        nn.Linear(2 * Config.TDNN_CH, Config.EMB_DIM),
    )


def build_classifier():
    return nn.Sequential(
        nn.ReLU(),
        nn.BatchNorm1d(Config.EMB_DIM),
        nn.Linear(Config.EMB_DIM, Config.N_SPEAKERS),
    )


embedder = build_xvector()
head = build_classifier()
params = list(embedder.parameters()) + list(head.parameters())
optimizer = torch.optim.Adam(params, lr=Config.LR)

stream = batch_stream()
step = 0
history = []
while step < Config.TOTAL_STEPS:
    b = next(stream)
    emb = embedder(b.feats)
    loss = F.cross_entropy(head(emb), b.speakers)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(params, 5.0)
    optimizer.step()
    history.append(loss.item())
    step += 1
    if step % Config.PRINT_EVERY == 0:
        print(f"[{step}/{Config.TOTAL_STEPS}] ce={np.mean(history[-Config.PRINT_EVERY:]):.3f}")

embedder.eval()
with torch.no_grad():
    b = next(stream)
    e = F.normalize(embedder(b.feats), dim=-1)
    sims = e @ e.T
    same = b.speakers[:, None] == b.speakers[None, :]
    print("mean same-spk cos", sims[same].mean().item(), "diff-spk cos", sims[~same].mean().item())
