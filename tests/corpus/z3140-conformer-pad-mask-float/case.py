import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
random.seed(0)

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 40
CHARS = list(" abcdefghijklmnopqrstuvwxyz'")
BLANK = 0
char2id = {c: i + 1 for i, c in enumerate(CHARS)}
id2char = {i: c for c, i in char2id.items()}


def mel_filterbank(n_mels, n_fft, sr):
    def hz_to_mel(f):
        return 2595.0 * math.log10(1.0 + f / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    n_freqs = n_fft // 2 + 1
    mels = torch.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2)
    hz = torch.tensor([mel_to_hz(m.item()) for m in mels])
    bins = torch.floor((n_fft + 1) * hz / sr).long()
    fb = torch.zeros(n_mels, n_freqs)
    for m in range(1, n_mels + 1):
        lo, c, hi = bins[m - 1].item(), bins[m].item(), bins[m + 1].item()
        for k in range(lo, c):
            fb[m - 1, k] = (k - lo) / max(c - lo, 1)
        for k in range(c, hi):
            fb[m - 1, k] = (hi - k) / max(hi - c, 1)
    return fb


FBANK = mel_filterbank(N_MELS, N_FFT, SAMPLE_RATE)
WINDOW = torch.hann_window(N_FFT)


def log_mel(wav):
    spec = torch.stft(wav, N_FFT, HOP, window=WINDOW, return_complex=True)
    power = spec.abs() ** 2
    mel = FBANK @ power
    return torch.log(mel + 1e-6).transpose(0, 1)


class SyntheticSpeech(Dataset):
    def __init__(self, n):
        words = ["hello", "world", "speech", "model", "token", "blank", "frame"]
        self.items = []
        for _ in range(n):
            text = " ".join(random.choices(words, k=random.randint(1, 3)))
            dur = random.uniform(0.6, 1.4)
            wav = 0.1 * torch.randn(int(dur * SAMPLE_RATE))
            self.items.append((wav, text))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        wav, text = self.items[i]
        feats = log_mel(wav)
        ids = torch.tensor([char2id[c] for c in text], dtype=torch.long)
        return feats, ids


def collate(batch):
    feats, labels = zip(*batch)
    feat_lens = torch.tensor([f.size(0) for f in feats])
    label_lens = torch.tensor([l.size(0) for l in labels])
    feats = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    labels = nn.utils.rnn.pad_sequence(labels, batch_first=True, padding_value=0)
    return {"feats": feats, "feat_lens": feat_lens, "labels": labels, "label_lens": label_lens}


class ConvSubsample(nn.Module):
    def __init__(self, n_mels, d_model):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2), nn.ReLU(),
        )
        f = ((n_mels - 1) // 2 - 1) // 2
        self.proj = nn.Linear(16 * f, d_model)

    def forward(self, x, lens):
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = self.proj(x.transpose(1, 2).reshape(b, t, c * f))
        lens = ((lens - 1) // 2 - 1) // 2
        return x, lens


class MHSA(nn.Module):
    def __init__(self, d_model, heads):
        super().__init__()
        self.h = heads
        self.dk = d_model // heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x, pad_mask):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.h, self.dk).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.dk)
        scores = scores.masked_fill(pad_mask[:, None, None, :], float("-inf"))
        attn = scores.softmax(-1)
        return self.out((attn @ v).transpose(1, 2).reshape(b, t, d))


class ConformerBlock(nn.Module):
    def __init__(self, d_model, heads, kernel=15):
        super().__init__()
        self.ff1 = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 4 * d_model), nn.SiLU(), nn.Linear(4 * d_model, d_model))
        self.ln_att = nn.LayerNorm(d_model)
        self.att = MHSA(d_model, heads)
        self.ln_conv = nn.LayerNorm(d_model)
        self.dw = nn.Conv1d(d_model, d_model, kernel, padding=kernel // 2, groups=d_model)
        self.ff2 = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, 4 * d_model), nn.SiLU(), nn.Linear(4 * d_model, d_model))
        self.ln_out = nn.LayerNorm(d_model)

    def forward(self, x, pad_mask, keep):
        x = x + 0.5 * self.ff1(x)
        x = x + self.att(self.ln_att(x), pad_mask)
        y = self.ln_conv(x) * keep
        x = x + F.silu(self.dw(y.transpose(1, 2))).transpose(1, 2)
        x = x + 0.5 * self.ff2(x)
        return self.ln_out(x)


class CTCConformer(nn.Module):
    def __init__(self, n_mels, vocab_size, d_model=64, heads=4, layers=2):
        super().__init__()
        self.sub = ConvSubsample(n_mels, d_model)
        self.blocks = nn.ModuleList([ConformerBlock(d_model, heads) for _ in range(layers)])
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, feats, feat_lens):
        x, out_lens = self.sub(feats, feat_lens)
        t = x.size(1)
        pad_mask = (torch.arange(t)[None, :] >= out_lens[:, None]).float()
        keep = (1.0 - pad_mask).unsqueeze(-1)
        for blk in self.blocks:
            x = blk(x, pad_mask, keep)
        return self.head(x).log_softmax(-1), out_lens


def greedy_decode(log_probs, lens):
    hyps = []
    for lp, n in zip(log_probs, lens):
        best = lp[:n].argmax(-1).tolist()
        out, prev = [], BLANK
        for tok in best:
            if tok != prev and tok != BLANK:
                out.append(id2char[tok])
            prev = tok
        hyps.append("".join(out))
    return hyps


def main():
    ds = SyntheticSpeech(16)
    loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=collate)
    model = CTCConformer(N_MELS, len(CHARS) + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    for epoch in range(2):
        for step, batch in enumerate(loader):
            log_probs, out_lens = model(batch["feats"], batch["feat_lens"])
            loss = ctc(log_probs.transpose(0, 1), batch["labels"], out_lens, batch["label_lens"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f}")
    model.eval()
    with torch.no_grad():
        batch = collate([ds[i] for i in range(3)])
        lp, lens = model(batch["feats"], batch["feat_lens"])
        for h in greedy_decode(lp, lens):
            print(repr(h))


if __name__ == "__main__":
    main()
