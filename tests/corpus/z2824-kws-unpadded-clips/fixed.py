import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


class Config:
    sample_rate = 16000
    clip_seconds = 1.0
    win_length = 400
    hop_length = 160
    n_fft = 512
    n_mels = 40
    keywords = ["yes", "no", "up", "down", "left", "right", "_silence_", "_unknown_"]
    utterances_per_word = 12
    batch_size = 16
    lr = 3e-3
    max_steps = 40
    log_every = 10
    seed = 1234


def hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(n_fft, n_mels, sr, fmin=20.0, fmax=None):
    fmax = fmax or sr / 2
    n_bins = n_fft // 2 + 1
    mel_pts = torch.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz_pts = torch.tensor([mel_to_hz(m.item()) for m in mel_pts])
    bin_freqs = torch.linspace(0, sr / 2, n_bins)
    fb = torch.zeros(n_mels, n_bins)
    for i in range(n_mels):
        lo, ctr, hi = hz_pts[i], hz_pts[i + 1], hz_pts[i + 2]
        up = (bin_freqs - lo) / (ctr - lo)
        down = (hi - bin_freqs) / (hi - ctr)
        fb[i] = torch.clamp(torch.minimum(up, down), min=0.0)
    return fb


class LogMel(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("window", torch.hann_window(Config.win_length))
        self.register_buffer("fb", mel_filterbank(Config.n_fft, Config.n_mels, Config.sample_rate))

    def forward(self, wav):
        frames = wav.unfold(-1, Config.win_length, Config.hop_length) * self.window
        spec = torch.fft.rfft(frames, n=Config.n_fft).abs() ** 2
        mel = spec @ self.fb.T
        return torch.log(mel + 1e-6).transpose(-1, -2)


def synth_utterance(word_idx, rng):
    dur = Config.clip_seconds * rng.uniform(0.8, 1.15)
    n = int(Config.sample_rate * dur)
    t = torch.arange(n) / Config.sample_rate
    f0 = 180.0 + 55.0 * word_idx + rng.uniform(-10, 10)
    env = torch.hann_window(n)
    wav = 0.3 * torch.sin(2 * math.pi * f0 * t) * env
    wav = wav + 0.02 * torch.randn(n)
    return wav


class SpeechCommands(Dataset):
    def __init__(self, rng):
        self.items = []
        for label, word in enumerate(Config.keywords):
            for _ in range(Config.utterances_per_word):
                self.items.append((synth_utterance(label, rng), label))
        rng.shuffle(self.items)
        self.featurizer = LogMel()
        self.target_len = int(Config.sample_rate * Config.clip_seconds)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        wav, label = self.items[idx]
        wav = wav[: self.target_len]
        if wav.numel() < self.target_len:
            wav = F.pad(wav, (0, self.target_len - wav.numel()))
        with torch.no_grad():
            feats = self.featurizer(wav)
        feats = (feats - feats.mean()) / (feats.std() + 1e-5)
        return feats, label


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel_size=5, padding=2),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
    )


def build_kws_net(n_mels, n_classes):
    return nn.Sequential(
        conv_block(n_mels, 64),
        nn.MaxPool1d(2),
        conv_block(64, 64),
        nn.MaxPool1d(2),
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


def main():
    torch.manual_seed(Config.seed)
    rng = random.Random(Config.seed)
    dataset = SpeechCommands(rng)
    loader = DataLoader(dataset, batch_size=Config.batch_size, shuffle=True, drop_last=True)
    model = build_kws_net(Config.n_mels, len(Config.keywords))
    optim = torch.optim.AdamW(model.parameters(), lr=Config.lr, weight_decay=1e-2)

    batches = infinite(loader)
    step = 0
    running_loss, running_acc = 0.0, 0.0
    model.train()
    while step < Config.max_steps:
        feats, labels = next(batches)
        logits = model(feats)
        loss = F.cross_entropy(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        step += 1
        running_loss += loss.item()
        running_acc += (logits.argmax(-1) == labels).float().mean().item()
        if step % Config.log_every == 0:
            print(f"step {step:4d} | loss {running_loss / Config.log_every:.4f} "
                  f"| acc {running_acc / Config.log_every:.3f}")
            running_loss, running_acc = 0.0, 0.0

    model.eval()
    correct = 0
    with torch.no_grad():
        for feats, labels in DataLoader(dataset, batch_size=32):
            correct += (model(feats).argmax(-1) == labels).sum().item()
    print(f"train-set accuracy: {correct / len(dataset):.3f}")


if __name__ == "__main__":
    main()
