"""Fine-tune a pretrained TCN beat tracker on a new set of (synthetic) click-track excerpts."""
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class BeatConfig:
    sr: int = 16000
    n_fft: int = 1024
    hop: int = 160                  # 100 frames per second
    n_bands: int = 48
    f_min: float = 30.0
    f_max: float = 8000.0
    channels: int = 24
    dilations: tuple = (1, 2, 4, 8, 16)
    excerpt_sec: float = 4.0
    batch_size: int = 4
    lr: float = 5e-4
    finetune_steps: int = 6
    ckpt_path: str = "beat_tcn_pretrained.pt"


def log_spaced_filterbank(n_fft, sr, n_bands, f_min, f_max):
    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    edges = np.geomspace(f_min, f_max, n_bands + 2)
    fb = np.zeros((n_bands, len(freqs)), dtype=np.float32)
    for b in range(n_bands):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        up = (freqs - lo) / (mid - lo)
        down = (hi - freqs) / (hi - mid)
        fb[b] = np.clip(np.minimum(up, down), 0, None)
    fb /= fb.sum(axis=1, keepdims=True) + 1e-8
    return torch.from_numpy(fb)


class LogFiltSpec(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_fft, self.hop = cfg.n_fft, cfg.hop
        # derived from the config, no need to store them in checkpoints
        self.register_buffer("window", torch.hann_window(cfg.n_fft), persistent=False)
        self.register_buffer("fbank", log_spaced_filterbank(cfg.n_fft, cfg.sr, cfg.n_bands,
                                                            cfg.f_min, cfg.f_max), persistent=False)

    def forward(self, wav):
        spec = torch.stft(wav, self.n_fft, self.hop, window=self.window,
                          return_complex=True).abs()           # (B, F, T)
        return torch.log1p(100.0 * torch.matmul(self.fbank, spec))


class TCNBlock(nn.Module):
    def __init__(self, ch, dilation):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 5, dilation=dilation, padding=2 * dilation)
        self.norm = nn.BatchNorm1d(ch)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        return x + self.drop(F.elu(self.norm(self.conv(x))))


class BeatTCN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.frontend = LogFiltSpec(cfg)
        self.proj = nn.Conv1d(cfg.n_bands, cfg.channels, 3, padding=1)
        self.tcn = nn.Sequential(*[TCNBlock(cfg.channels, d) for d in cfg.dilations])
        self.out = nn.Conv1d(cfg.channels, 1, 1)

    def forward(self, wav):
        feats = self.frontend(wav)
        return self.out(self.tcn(F.elu(self.proj(feats)))).squeeze(1)   # (B, T) beat logits


def make_click_batch(cfg, rng, batch_size):
    n = int(cfg.excerpt_sec * cfg.sr)
    n_frames = n // cfg.hop + 1
    wavs = np.zeros((batch_size, n), dtype=np.float32)
    targets = np.zeros((batch_size, n_frames), dtype=np.float32)
    click = np.hanning(200).astype(np.float32) * np.sin(np.arange(200) * 0.6).astype(np.float32)
    for i in range(batch_size):
        bpm = rng.uniform(70, 180)
        period = 60.0 / bpm
        t = rng.uniform(0, period)
        while t < cfg.excerpt_sec - 0.02:
            s = int(t * cfg.sr)
            seg = wavs[i, s:s + 200]
            seg += click[:len(seg)]
            f = int(round(t * cfg.sr / cfg.hop))
            targets[i, max(f - 1, 0):f + 2] = [0.5, 1.0, 0.5][:len(targets[i, max(f - 1, 0):f + 2])]
            t += period * rng.uniform(0.97, 1.03)
        wavs[i] += 0.05 * rng.standard_normal(n).astype(np.float32)
    return torch.from_numpy(wavs), torch.from_numpy(targets)


def pretrain_and_save(cfg, rng):
    model = BeatTCN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):
        wav, tgt = make_click_batch(cfg, rng, cfg.batch_size)
        loss = F.binary_cross_entropy_with_logits(model(wav), tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save(model.state_dict(), cfg.ckpt_path)


def load_pretrained(cfg):
    state = torch.load(cfg.ckpt_path, map_location="cpu")
    with torch.device("meta"):
        model = BeatTCN(cfg)        # skip the random init, the weights come from the checkpoint
    model.load_state_dict(state, assign=True)
    return model


def beat_f_measure(pred_frames, ref_frames, tol=7):
    if len(pred_frames) == 0 or len(ref_frames) == 0:
        return 0.0
    hits = sum(np.min(np.abs(ref_frames - p)) <= tol for p in pred_frames)
    p, r = hits / len(pred_frames), hits / len(ref_frames)
    return 0.0 if hits == 0 else 2 * p * r / (p + r)


def main():
    cfg = BeatConfig()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    if not os.path.exists(cfg.ckpt_path):
        pretrain_and_save(cfg, rng)

    model = load_pretrained(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    pos_weight = torch.tensor(5.0)

    model.train()
    for step in range(cfg.finetune_steps):
        wav, tgt = make_click_batch(cfg, rng, cfg.batch_size)
        logits = model(wav)
        loss = F.binary_cross_entropy_with_logits(logits, tgt, pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"finetune step {step} loss {loss.item():.4f}")

    model.eval()
    wav, tgt = make_click_batch(cfg, rng, 2)
    with torch.no_grad():
        act = torch.sigmoid(model(wav))
    for i in range(2):
        a = act[i].numpy()
        peaks = np.flatnonzero((a[1:-1] > a[:-2]) & (a[1:-1] >= a[2:]) & (a[1:-1] > 0.5)) + 1
        ref = np.flatnonzero(tgt[i].numpy() == 1.0)
        print(f"excerpt {i}: F = {beat_f_measure(peaks, ref):.3f}")


if __name__ == "__main__":
    main()
