import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


class Config:
    seed = 1234
    sample_rate = 16000
    clip_seconds = 1.0
    win_length = 400
    hop_length = 160
    n_fft = 512
    n_mels = 40
    f_min = 20.0
    f_max = 7600.0
    KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
    FILLERS = ["bed", "bird", "cat", "dog", "happy", "house", "tree", "wow"]
    NUM_CLASSES = len(KEYWORDS) + 1
    batch_size = 16
    lr = 3e-3
    max_steps = 40
    log_every = 10
    n_train = 320


random.seed(Config.seed)
np.random.seed(Config.seed)
torch.manual_seed(Config.seed)


def hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def build_mel_matrix(n_fft, n_mels, sr, f_min, f_max):
    n_freqs = n_fft // 2 + 1
    mel_pts = torch.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2)
    hz_pts = torch.tensor([mel_to_hz(m.item()) for m in mel_pts])
    bins = torch.linspace(0, sr / 2, n_freqs)
    fb = torch.zeros(n_freqs, n_mels)
    for m in range(n_mels):
        lo, ctr, hi = hz_pts[m], hz_pts[m + 1], hz_pts[m + 2]
        up = (bins - lo) / (ctr - lo)
        down = (hi - bins) / (hi - ctr)
        fb[:, m] = torch.clamp(torch.minimum(up, down), min=0.0)
    return fb


MEL_FB = build_mel_matrix(Config.n_fft, Config.n_mels, Config.sample_rate, Config.f_min, Config.f_max)
WINDOW = torch.hann_window(Config.win_length)


def log_mel(wave):
    frames = wave.unfold(-1, Config.win_length, Config.hop_length) * WINDOW
    spec = torch.fft.rfft(frames, n=Config.n_fft).abs() ** 2
    mel = spec @ MEL_FB
    return torch.log(mel + 1e-6).transpose(-1, -2)


def synth_clip(word):
    n = int(Config.sample_rate * Config.clip_seconds)
    t = torch.arange(n) / Config.sample_rate
    if word == "_silence_":
        return 0.005 * torch.randn(n)
    h = sum(ord(c) for c in word)
    f0 = 180 + (h % 23) * 25
    env = torch.exp(-((t - 0.5) ** 2) / 0.02)
    wave = env * (torch.sin(2 * math.pi * f0 * t) + 0.4 * torch.sin(2 * math.pi * 2.1 * f0 * t))
    return wave + 0.02 * torch.randn(n)


def make_manifest(n):
    items = []
    for _ in range(n):
        r = random.random()
        if r < 0.1:
            items.append("_silence_")
        elif r < 0.3:
            items.append(random.choice(Config.FILLERS))
        else:
            items.append(random.choice(Config.KEYWORDS))
    return items


LABELS = Config.KEYWORDS + ["_silence_", "_unknown_"]
label_to_idx = {w: i for i, w in enumerate(LABELS)}


class SpeechCommandsLike(Dataset):
    def __init__(self, words):
        self.words = words

    def __len__(self):
        return len(self.words)

    def __getitem__(self, i):
        w = self.words[i]
        target = w if w in label_to_idx else "_unknown_"
        return {"wave": synth_clip(w), "label": label_to_idx[target]}


def collate(batch):
    waves = torch.stack([b["wave"] for b in batch])
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.long)
    return {"feats": log_mel(waves), "label": labels}


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel_size=5, padding=2),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
        nn.MaxPool1d(2),
    )


def build_kws_net(n_mels, n_classes):
    return nn.Sequential(
        conv_block(n_mels, 64),
        conv_block(64, 64),
        conv_block(64, 96),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Linear(96, n_classes),
    )


def infinite(loader):
    while True:
        for batch in loader:
            yield batch


train_ds = SpeechCommandsLike(make_manifest(Config.n_train))
loader = DataLoader(train_ds, batch_size=Config.batch_size, shuffle=True, collate_fn=collate)
model = build_kws_net(Config.n_mels, Config.NUM_CLASSES)
opt = torch.optim.AdamW(model.parameters(), lr=Config.lr, weight_decay=1e-4)

batches = infinite(loader)
step = 0
running = 0.0
model.train()
while step < Config.max_steps:
    batch = next(batches)
    logits = model(batch["feats"])
    loss = F.cross_entropy(logits, batch["label"], label_smoothing=0.05)
    opt.zero_grad()
    loss.backward()
    opt.step()
    running += loss.item()
    step += 1
    if step % Config.log_every == 0:
        print(f"step {step:4d}  loss {running / Config.log_every:.4f}")
        running = 0.0

model.eval()
with torch.no_grad():
    batch = next(batches)
    acc = (model(batch["feats"]).argmax(-1) == batch["label"]).float().mean().item()
print(f"train-batch accuracy {acc:.3f}")
