import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)

SAMPLE_RATE = 16000
N_MELS = 80
VOCAB = ["<blank>", " ", "'"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
BLANK = 0
char2id = {c: i for i, c in enumerate(VOCAB)}

feat_cfg = {"n_fft": 400, "hop": 160, "win": 400, "n_mels": 64, "fmin": 20.0, "fmax": 7600.0}


def hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(n_fft, n_mels, sr, fmin, fmax):
    n_bins = n_fft // 2 + 1
    mel_pts = torch.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz_pts = torch.tensor([mel_to_hz(m.item()) for m in mel_pts])
    bins = torch.floor((n_fft + 1) * hz_pts / sr).long()
    fb = torch.zeros(n_mels, n_bins)
    for m in range(1, n_mels + 1):
        lo, ce, hi = bins[m - 1].item(), bins[m].item(), bins[m + 1].item()
        for k in range(lo, ce):
            fb[m - 1, k] = (k - lo) / max(ce - lo, 1)
        for k in range(ce, hi):
            fb[m - 1, k] = (hi - k) / max(hi - ce, 1)
    return fb


class LogMel:
    def __init__(self, cfg):
        self.cfg = cfg
        self.window = torch.hann_window(cfg["win"])
        self.fb = mel_filterbank(cfg["n_fft"], cfg["n_mels"], SAMPLE_RATE, cfg["fmin"], cfg["fmax"])

    def __call__(self, wav):
        spec = torch.stft(wav, n_fft=self.cfg["n_fft"], hop_length=self.cfg["hop"],
                          win_length=self.cfg["win"], window=self.window, return_complex=True)
        power = spec.abs() ** 2
        mel = self.fb @ power
        return torch.log(mel + 1e-6).transpose(0, 1)


class SyntheticSpeech(Dataset):
    WORDS = ["hello", "world", "speech", "model", "cannot", "it's", "zero", "quick"]

    def __init__(self, n, featurizer):
        self.items = []
        for _ in range(n):
            text = " ".join(random.choice(self.WORDS) for _ in range(random.randint(1, 3)))
            dur = random.uniform(0.6, 1.4)
            wav = 0.1 * torch.randn(int(dur * SAMPLE_RATE))
            self.items.append((wav, text))
        self.featurizer = featurizer

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        wav, text = self.items[i]
        feats = self.featurizer(wav)
        feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-5)
        labels = torch.tensor([char2id[c] for c in text], dtype=torch.long)
        return feats, labels


def collate(batch):
    feats, labels = zip(*batch)
    feat_lens = torch.tensor([f.shape[0] for f in feats])
    label_lens = torch.tensor([len(l) for l in labels])
    feats = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    labels = nn.utils.rnn.pad_sequence(labels, batch_first=True, padding_value=BLANK)
    return {"feats": feats, "feat_lens": feat_lens, "labels": labels, "label_lens": label_lens}


class Conv2dSubsampling(nn.Module):
    def __init__(self, in_feats, channels, d_model):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 3, stride=2), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, stride=2), nn.ReLU(),
        )
        sub_f = ((in_feats - 1) // 2 - 1) // 2
        self.out = nn.Linear(channels * sub_f, d_model)

    def forward(self, x, lens):
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = self.out(x.transpose(1, 2).reshape(b, t, c * f))
        lens = ((lens - 1) // 2 - 1) // 2
        return x, lens


class BiLSTMCTC(nn.Module):
    def __init__(self, n_mels, vocab_size, d_model=64, hidden=64):
        super().__init__()
        self.subsample = Conv2dSubsampling(n_mels, 16, d_model)
        self.rnn = nn.LSTM(d_model, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, vocab_size)

    def forward(self, feats, lens):
        x, lens = self.subsample(feats, lens)
        packed = nn.utils.rnn.pack_padded_sequence(x, lens.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return self.proj(out).log_softmax(-1), lens


def greedy_decode(log_probs, lens):
    hyps = []
    for seq, n in zip(log_probs.argmax(-1), lens):
        prev, chars = BLANK, []
        for idx in seq[:n].tolist():
            if idx != prev and idx != BLANK:
                chars.append(VOCAB[idx])
            prev = idx
        hyps.append("".join(chars))
    return hyps


featurizer = LogMel(feat_cfg)
train_ds = SyntheticSpeech(24, featurizer)
loader = DataLoader(train_ds, batch_size=6, shuffle=True, collate_fn=collate)

model = BiLSTMCTC(feat_cfg["n_mels"], len(VOCAB))
ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

for epoch in range(2):
    model.train()
    for step, batch in enumerate(loader):
        log_probs, out_lens = model(batch["feats"], batch["feat_lens"])
        loss = ctc(log_probs.transpose(0, 1), batch["labels"], out_lens, batch["label_lens"])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")

model.eval()
with torch.no_grad():
    batch = next(iter(loader))
    log_probs, out_lens = model(batch["feats"], batch["feat_lens"])
    print(greedy_decode(log_probs, out_lens)[:2])
