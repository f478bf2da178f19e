"""Frame-level bird call detection on synthetic dawn-chorus clips (CRNN)."""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SR = 16000
CLIP_SEC = 3.0
N_FFT = 512
HOP = 256
N_MELS = 40
SPECIES = ["background", "great_tit", "blackbird", "chiffchaff", "wren"]
SEED = 7

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(sr, n_fft, n_mels, fmin=500.0, fmax=8000.0):
    n_bins = n_fft // 2 + 1
    freqs = np.linspace(0, sr / 2, n_bins)
    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz = mel_to_hz(mels)
    fb = np.zeros((n_mels, n_bins), dtype=np.float32)
    for m in range(1, n_mels + 1):
        lo, ctr, hi = hz[m - 1], hz[m], hz[m + 1]
        up = (freqs - lo) / (ctr - lo)
        down = (hi - freqs) / (hi - ctr)
        fb[m - 1] = np.maximum(0, np.minimum(up, down))
    return torch.from_numpy(fb)


# rough call templates: (start_hz, end_hz, duration_s)
CALL_SHAPES = {
    1: (4200, 3000, 0.25),
    2: (1800, 2600, 0.45),
    3: (5200, 4400, 0.12),
    4: (6500, 7200, 0.35),
}


def synth_clip(rng):
    n = int(SR * CLIP_SEC)
    audio = 0.02 * rng.standard_normal(n).astype(np.float32)
    events = []
    for _ in range(rng.integers(1, 4)):
        sp = int(rng.integers(1, len(SPECIES)))
        f0, f1, dur = CALL_SHAPES[sp]
        onset = float(rng.uniform(0.0, CLIP_SEC - dur))
        t = np.arange(int(dur * SR)) / SR
        phase = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) / dur * t ** 2)
        env = np.hanning(len(t))
        start = int(onset * SR)
        audio[start:start + len(t)] += 0.3 * env * np.sin(phase)
        events.append((onset, onset + dur, sp))
    return audio, events


def annotations_to_frame_labels(events, n_samples, hop):
    n_frames = 1 + n_samples // hop
    labels = np.zeros(n_frames, dtype=np.int64)
    for onset, offset, sp in events:
        a = int(onset * SR / hop)
        b = int(math.ceil(offset * SR / hop))
        labels[a:b] = sp
    return labels


class DawnChorusClips(Dataset):
    def __init__(self, n_clips, seed):
        rng = np.random.default_rng(seed)
        self.items = []
        for _ in range(n_clips):
            audio, events = synth_clip(rng)
            labels = annotations_to_frame_labels(events, len(audio), HOP)
            self.items.append((torch.from_numpy(audio), torch.from_numpy(labels)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LogMel(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("window", torch.hann_window(N_FFT))
        self.register_buffer("fb", mel_filterbank(SR, N_FFT, N_MELS))

    def forward(self, wav):
        spec = torch.stft(wav, N_FFT, hop_length=HOP, window=self.window,
                          center=True, return_complex=True).abs() ** 2
        mel = torch.matmul(self.fb, spec)
        return torch.log(mel + 1e-6)


class CallCRNN(nn.Module):
    def __init__(self, n_classes, rnn_hidden=64):
        super().__init__()
        self.frontend = LogMel()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
        )
        self.gru = nn.GRU(32 * (N_MELS // 4), rnn_hidden, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(2 * rnn_hidden, n_classes)

    def forward(self, wav):
        x = self.frontend(wav).unsqueeze(1)            # B,1,M,T
        x = self.conv(x)                               # B,C,M/4,T
        b, c, m, t = x.shape
        x = x.permute(0, 3, 1, 2).reshape(b, t, c * m)
        x, _ = self.gru(x)
        return self.cls(x)                             # B,T,K


def run_epoch(model, loader, optim, class_weights):
    model.train()
    total = 0.0
    for wav, frame_labels in loader:
        logits = model(wav)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)),
                               frame_labels.reshape(-1), weight=class_weights)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * wav.size(0)
    return total / len(loader.dataset)


def main():
    train_ds = DawnChorusClips(24, seed=SEED)
    loader = DataLoader(train_ds, batch_size=8, shuffle=True)
    model = CallCRNN(len(SPECIES))
    class_weights = torch.tensor([0.2] + [1.0] * (len(SPECIES) - 1))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        loss = run_epoch(model, loader, optim, class_weights)
        print(f"epoch {epoch} frame-CE {loss:.4f}")


if __name__ == "__main__":
    main()
