import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 40
CHARS = list(" abcdefghijklmnopqrstuvwxyz'")
BLANK = 0
char2id = {c: i + 1 for i, c in enumerate(CHARS)}
id2char = {i: c for c, i in char2id.items()}

WORDS = ["the", "cat", "sat", "on", "mat", "speech", "model", "blank", "frame", "token", "it's"]


def hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def mel_filterbank(n_mels, n_fft, sr):
    n_freqs = n_fft // 2 + 1
    mel_pts = torch.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2)
    hz_pts = 700.0 * (10 ** (mel_pts / 2595.0) - 1.0)
    freqs = torch.linspace(0, sr / 2, n_freqs)
    fb = torch.zeros(n_mels, n_freqs)
    for m in range(1, n_mels + 1):
        lo, ce, hi = hz_pts[m - 1], hz_pts[m], hz_pts[m + 1]
        up = (freqs - lo) / (ce - lo)
        down = (hi - freqs) / (hi - ce)
        fb[m - 1] = torch.clamp(torch.minimum(up, down), min=0.0)
    return fb


MEL_FB = mel_filterbank(N_MELS, N_FFT, SAMPLE_RATE)
WINDOW = torch.hann_window(N_FFT)


def log_mel(wave):
    spec = torch.stft(wave, N_FFT, HOP, window=WINDOW, return_complex=True)
    power = spec.abs() ** 2
    mel = MEL_FB @ power
    return torch.log(mel + 1e-6).transpose(0, 1)


@dataclass
class Utterance:
    audio: torch.Tensor
    text: str


@dataclass
class Batch:
    feats: torch.Tensor
    feat_lens: torch.Tensor
    targets: torch.Tensor
    target_lens: torch.Tensor


class SyntheticSpeech(Dataset):
    def __init__(self, n, seed=0):
        rng = random.Random(seed)
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
            dur = rng.uniform(0.6, 1.4)
            audio = 0.1 * torch.randn(int(dur * SAMPLE_RATE), generator=g)
            self.items.append(Utterance(audio, text))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        utt = self.items[i]
        feats = log_mel(utt.audio)
        ids = torch.tensor([char2id[c] for c in utt.text], dtype=torch.long)
        return feats, ids


def collate(samples):
    feats = [s[0] for s in samples]
    labels = [s[1] for s in samples]
    feat_lens = torch.tensor([f.size(0) for f in feats])
    target_lens = torch.tensor([len(y) for y in labels])
    padded = pad_sequence(feats, batch_first=True)
    targets = pad_sequence(labels, batch_first=True, padding_value=BLANK)
    return Batch(padded, feat_lens, targets, target_lens)


class Conv2dSubsampler(nn.Module):
    def __init__(self, in_feats, d_model):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2), nn.ReLU(),
        )
        f_out = ((in_feats - 3) // 2 + 1 - 3) // 2 + 1
        self.proj = nn.Linear(16 * f_out, d_model)

    def forward(self, x, lens):
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = self.proj(x.permute(0, 2, 1, 3).reshape(b, t, c * f))
        lens = ((lens - 3) // 2 + 1 - 3) // 2 + 1
        return x, lens


class BiLSTMCTC(nn.Module):
    def __init__(self, n_mels, vocab_size, d_model=64):
        super().__init__()
        self.sub = Conv2dSubsampler(n_mels, d_model)
        self.rnn = nn.LSTM(d_model, d_model, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * d_model, vocab_size)

    def forward(self, feats, lens):
        x, lens = self.sub(feats, lens)
        x, _ = self.rnn(x)
        return self.out(x).log_softmax(-1), lens


def greedy_decode(log_probs, lens):
    hyps = []
    best = log_probs.argmax(-1)
    for b in range(best.size(0)):
        seq, prev = [], BLANK
        for t in best[b, : lens[b]].tolist():
            if t != prev and t != BLANK:
                seq.append(id2char[t])
            prev = t
        hyps.append("".join(seq))
    return hyps


def main():
    torch.manual_seed(0)
    ds = SyntheticSpeech(24)
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate)
    model = BiLSTMCTC(N_MELS, len(CHARS) + 1)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(2):
        total = 0.0
        for batch in loader:
            log_probs, out_lens = model(batch.feats, batch.feat_lens)
            loss = ctc(log_probs.transpose(0, 1), batch.targets, out_lens, batch.target_lens)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.3f}")

    model.eval()
    with torch.no_grad():
        batch = next(iter(loader))
        log_probs, out_lens = model(batch.feats, batch.feat_lens)
        for h in greedy_decode(log_probs, out_lens):
            print(repr(h))


if __name__ == "__main__":
    main()
