import itertools
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


class Config:
    seed = 2024
    sample_rate = 16000
    frame_length = 0.025
    frame_step = 0.010
    n_fft = 512
    n_mels = 32
    train_speakers = [f"id{10000 + i}" for i in range(16)]
    test_speakers = [f"id{20000 + i}" for i in range(6)]
    utts_per_speaker = 5
    seg_seconds = 1.2
    hidden = 96
    embed = 48
    batch_size = 16
    lr = 2e-3
    steps = 36
    report = 12


torch.manual_seed(Config.seed)
rs = np.random.RandomState(Config.seed)

WIN = int(Config.frame_length * Config.sample_rate)
HOP = int(Config.frame_step * Config.sample_rate)


def make_mel_basis():
    n_bins = Config.n_fft // 2 + 1
    mels = np.linspace(0, 2595 * np.log10(1 + (Config.sample_rate / 2) / 700), Config.n_mels + 2)
    hz = 700 * (10 ** (mels / 2595) - 1)
    bin_idx = np.floor((Config.n_fft + 1) * hz / Config.sample_rate).astype(int)
    basis = np.zeros((n_bins, Config.n_mels), dtype=np.float32)
    for m in range(1, Config.n_mels + 1):
        a, b, c = bin_idx[m - 1], bin_idx[m], bin_idx[m + 1]
        for k in range(a, b):
            basis[k, m - 1] = (k - a) / max(b - a, 1)
        for k in range(b, c):
            basis[k, m - 1] = (c - k) / max(c - b, 1)
    return torch.from_numpy(basis)


MEL_BASIS = make_mel_basis()
POVEY = torch.hann_window(WIN).pow(0.85)


def extract(wave):
    frames = wave.unfold(-1, WIN, HOP) * POVEY
    mag = torch.fft.rfft(frames, n=Config.n_fft).abs() ** 2
    lm = torch.log1p(mag @ MEL_BASIS)
    lm = lm - lm.mean(dim=-2, keepdim=True)
    return lm.transpose(-1, -2)


def voice(spk, n):
    seed = int(spk[2:])
    f0 = 90 + (seed * 37) % 160
    formant = 500 + (seed * 91) % 1500
    t = np.arange(n) / Config.sample_rate
    src = sum(np.sin(2 * math.pi * f0 * k * t) / k for k in range(1, 6))
    res = np.sin(2 * math.pi * formant * t) * 0.3
    amp = 0.6 + 0.4 * np.sin(2 * math.pi * rs.uniform(2, 5) * t + rs.uniform(0, 6.28))
    return torch.tensor((src + res) * amp + 0.05 * rs.randn(n), dtype=torch.float32)


class UtteranceSet(Dataset):
    def __init__(self, speakers):
        n = int(Config.seg_seconds * Config.sample_rate)
        self.spk2idx = {s: i for i, s in enumerate(speakers)}
        self.items = [
            {"spk": s, "utt": f"{s}/{u:05d}.wav", "feats": extract(voice(s, n))}
            for s in speakers
            for u in range(Config.utts_per_speaker)
        ]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        it = self.items[i]
        return {"feats": it["feats"], "label": self.spk2idx[it["spk"]], "utt": it["utt"]}


def build_speaker_net(n_speakers):
    encoder = nn.Sequential(
        nn.Conv1d(Config.n_mels, Config.hidden, 3, padding=1),
        nn.BatchNorm1d(Config.hidden),
        nn.ReLU(),
        nn.Conv1d(Config.hidden, Config.hidden, 3, padding=2, dilation=2),
        nn.BatchNorm1d(Config.hidden),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(Config.hidden, Config.embed),
    )
    classifier = nn.Sequential(nn.ReLU(), nn.Linear(Config.embed, n_speakers))
    return nn.Sequential(encoder, classifier)


def compute_eer(scores, labels):
    order = np.argsort(-scores)
    labels = labels[order]
    tpr = np.cumsum(labels) / labels.sum()
    fpr = np.cumsum(1 - labels) / (1 - labels).sum()
    fnr = 1 - tpr
    i = np.nanargmin(np.abs(fnr - fpr))
    return float((fnr[i] + fpr[i]) / 2)


train_set = UtteranceSet(Config.train_speakers)
test_set = UtteranceSet(Config.test_speakers)
loader = DataLoader(train_set, batch_size=Config.batch_size, shuffle=True, drop_last=True)

net = build_speaker_net(len(Config.train_speakers))
opt = torch.optim.Adam(net.parameters(), lr=Config.lr)

step, epoch = 0, 0
while step < Config.steps:
    for batch in loader:
        loss = F.cross_entropy(net(batch["feats"]), batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % Config.report == 0:
            print(f"epoch {epoch} step {step} loss {loss.item():.3f}")
        if step >= Config.steps:
            break
    epoch += 1

net.eval()
with torch.no_grad():
    feats = torch.stack([it["feats"] for it in test_set.items])
    emb = F.normalize(net.encoder(feats), dim=-1)
utt_ids = [it["utt"] for it in test_set.items]
trials = [
    (a, b, int(utt_ids[a].split("/")[0] == utt_ids[b].split("/")[0]))
    for a, b in itertools.combinations(range(len(utt_ids)), 2)
]
scores = np.array([float(emb[a] @ emb[b]) for a, b, _ in trials])
targets = np.array([y for _, _, y in trials])
print(f"{len(trials)} trials, {targets.sum()} target, EER = {100 * compute_eer(scores, targets):.2f}%")
