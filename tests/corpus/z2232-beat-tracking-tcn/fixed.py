"""Frame-wise beat activation training with a small TCN on log-mel features.

Synthetic click-track style audio with jittered tempo; targets are beat
activations sampled at the feature frame rate.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class BeatConfig:
    sample_rate: int = 22050
    n_fft: int = 1024
    hop_length: int = 512
    n_mels: int = 40
    clip_seconds: float = 10.0
    tcn_channels: int = 32
    tcn_levels: int = 4
    batch_size: int = 4
    epochs: int = 2
    lr: float = 1e-3
    widen_targets: int = 1


cfg = BeatConfig()
torch.manual_seed(0)
rng = np.random.default_rng(0)


def mel_filterbank(sr, n_fft, n_mels, fmin=30.0, fmax=None):
    fmax = fmax or sr / 2
    hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
    mel_to_hz = lambda m: 700.0 * (10 ** (m / 2595.0) - 1.0)
    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz = mel_to_hz(mels)
    bins = np.floor((n_fft + 1) * hz / sr).astype(int)
    fb = np.zeros((n_mels, n_fft // 2 + 1), dtype=np.float32)
    for m in range(1, n_mels + 1):
        lo, c, hi = bins[m - 1], bins[m], bins[m + 1]
        for k in range(lo, c):
            fb[m - 1, k] = (k - lo) / max(c - lo, 1)
        for k in range(c, hi):
            fb[m - 1, k] = (hi - k) / max(hi - c, 1)
    return torch.from_numpy(fb)


def synth_click_track(bpm, seconds, sr):
    n = int(seconds * sr)
    audio = 0.01 * rng.standard_normal(n).astype(np.float32)
    period = 60.0 / bpm
    beat_times = np.arange(rng.uniform(0, period), seconds, period)
    beat_times = beat_times + rng.normal(0, 0.005, size=beat_times.shape)
    beat_times = beat_times[(beat_times > 0) & (beat_times < seconds)]
    click = np.sin(2 * np.pi * 1000 * np.arange(400) / sr) * np.hanning(400)
    for t in beat_times:
        s = int(t * sr)
        e = min(s + 400, n)
        audio[s:e] += click[: e - s].astype(np.float32)
    return audio, beat_times


def beats_to_activation(beat_times, num_frames, fps, widen=1):
    act = np.zeros(num_frames, dtype=np.float32)
    idx = np.round(beat_times * fps).astype(int)
    idx = idx[idx < num_frames]
    act[idx] = 1.0
    for w in range(1, widen + 1):
        for shift in (-w, w):
            j = np.clip(idx + shift, 0, num_frames - 1)
            act[j] = np.maximum(act[j], 0.5)
    return act


class ClickTrackBeats(Dataset):
    def __init__(self, n_tracks, cfg):
        self.cfg = cfg
        self.items = []
        fps = cfg.sample_rate / cfg.hop_length
        for _ in range(n_tracks):
            bpm = rng.uniform(80, 160)
            audio, beats = synth_click_track(bpm, cfg.clip_seconds, cfg.sample_rate)
            num_frames = 1 + len(audio) // cfg.hop_length
            target = beats_to_activation(beats, num_frames, fps, cfg.widen_targets)
            self.items.append((torch.from_numpy(audio), torch.from_numpy(target)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class LogMelFrontend(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_fft = cfg.n_fft
        self.hop = cfg.hop_length
        self.register_buffer("window", torch.hann_window(cfg.n_fft))
        self.register_buffer("fb", mel_filterbank(cfg.sample_rate, cfg.n_fft, cfg.n_mels))

    def forward(self, wav):
        spec = torch.stft(wav, self.n_fft, self.hop, window=self.window,
                          center=True, return_complex=True).abs() ** 2
        mel = torch.matmul(self.fb, spec)
        return torch.log1p(1000.0 * mel)


class TCNBlock(nn.Module):
    def __init__(self, ch, dilation):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 5, padding=2 * dilation, dilation=dilation)
        self.norm = nn.BatchNorm1d(ch)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        return x + self.drop(F.elu(self.norm(self.conv(x))))


class BeatTCN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.frontend = LogMelFrontend(cfg)
        self.inp = nn.Conv1d(cfg.n_mels, cfg.tcn_channels, 3, padding=1)
        self.blocks = nn.Sequential(*[TCNBlock(cfg.tcn_channels, 2 ** i) for i in range(cfg.tcn_levels)])
        self.head = nn.Conv1d(cfg.tcn_channels, 1, 1)

    def forward(self, wav):
        x = self.frontend(wav)
        x = self.blocks(F.elu(self.inp(x)))
        return self.head(x).squeeze(1)


train_ds = ClickTrackBeats(16, cfg)
loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
model = BeatTCN(cfg)
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
pos_weight = torch.tensor([5.0])

for epoch in range(cfg.epochs):
    model.train()
    running = 0.0
    for wav, target in loader:
        logits = model(wav)
        loss = F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch}: loss {running / len(loader):.4f}")

model.eval()
with torch.no_grad():
    wav, target = train_ds[0]
    act = torch.sigmoid(model(wav[None]))[0]
    peaks = ((act[1:-1] > act[:-2]) & (act[1:-1] > act[2:]) & (act[1:-1] > 0.5)).nonzero().squeeze(-1) + 1
    print("detected beats:", peaks.numel(), "reference:", int((target == 1).sum()))
