import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

SAMPLE_RATE = 8000
CLIP_SECONDS = 0.25
N_FFT = 256
HOP = 128
N_MELS = 40
SPEAKER_ROLES = ["tower", "ground", "approach", "pilot"]


def synth_transmission(role_idx, n_samples):
    t = torch.arange(n_samples) / SAMPLE_RATE
    f0 = 110 + 35 * role_idx + 10 * torch.randn(1)
    voice = sum(torch.sin(2 * math.pi * f0 * k * t) / k for k in range(1, 6))
    squelch = 0.3 * torch.randn(n_samples) * (1 + 0.5 * (role_idx == 3))
    keying = (torch.rand(1) * 0.5 + 0.5) * torch.sigmoid(40 * (t - 0.02))
    return (voice * keying + squelch).float()


def mel_filterbank(n_freqs, n_mels, sr):
    def hz_to_mel(f):
        return 2595 * math.log10(1 + f / 700)
    mels = torch.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2)
    hz = 700 * (10 ** (mels / 2595) - 1)
    bins = torch.floor((N_FFT + 1) * hz / sr).long()
    fb = torch.zeros(n_mels, n_freqs)
    for m in range(1, n_mels + 1):
        lo, c, hi = bins[m - 1].item(), bins[m].item(), bins[m + 1].item()
        for k in range(lo, c):
            fb[m - 1, k] = (k - lo) / max(c - lo, 1)
        for k in range(c, hi):
            fb[m - 1, k] = (hi - k) / max(hi - c, 1)
    return fb


FBANK = mel_filterbank(N_FFT // 2 + 1, N_MELS, SAMPLE_RATE)


def log_mel(wave):
    spec = torch.stft(wave, N_FFT, hop_length=HOP, window=torch.hann_window(N_FFT),
                      return_complex=True).abs() ** 2
    mel = FBANK @ spec
    return torch.log(mel + 1e-6)


def make_batch(batch_size):
    n_samples = int(SAMPLE_RATE * CLIP_SECONDS)
    roles = torch.randint(0, len(SPEAKER_ROLES), (batch_size,))
    feats = torch.stack([log_mel(synth_transmission(r.item(), n_samples)) for r in roles])
    feats = (feats - feats.mean()) / (feats.std() + 1e-6)
    return feats.unsqueeze(1), roles


class RadioRoleCNN(nn.Module):
    def __init__(self, n_classes, channels=(16, 32, 64)):
        super().__init__()
        blocks = []
        in_ch = 1
        for ch in channels:
            blocks += [
                nn.Conv2d(in_ch, ch, kernel_size=5, padding=2),
                nn.BatchNorm2d(ch),
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]
            in_ch = ch
        self.features = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_ch, n_classes)

    def forward(self, x):
        x = self.features(x)
        return self.fc(self.pool(x).flatten(1))


model = RadioRoleCNN(len(SPEAKER_ROLES))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

for step in range(20):
    x, y = make_batch(16)
    if step == 0:
        print("log-mel batch:", tuple(x.shape))
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        with torch.no_grad():
            acc = (logits.argmax(1) == y).float().mean().item()
        print(f"step {step:02d} loss={loss.item():.3f} acc={acc:.2f}")
