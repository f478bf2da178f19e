"""CTC acoustic model + Viterbi forced alignment of phonemes for a field-recording corpus.

Features: 13 MFCCs + deltas + delta-deltas, global CMVN fitted on the training split.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(42)
torch.manual_seed(42)
random.seed(42)

PHONEMES = ["a", "e", "i", "o", "u", "p", "t", "k", "q", "ʔ", "m", "n", "ŋ", "s", "ʃ", "l", "r", "w", "j", "tʃ"]
BLANK = 0
N_MFCC = 13
DELTA_WIN = 2


def synth_utterances(n_utts, phone_means):
    utts = []
    for _ in range(n_utts):
        phones = rng.integers(0, len(PHONEMES), size=rng.integers(4, 10)).tolist()
        frames = []
        for p in phones:
            dur = int(rng.integers(3, 8))
            frames.append(phone_means[p] + 0.6 * rng.standard_normal((dur, N_MFCC)) + 4.0)
        utts.append({"mfcc": np.concatenate(frames).astype(np.float32), "phones": phones})
    return utts


def deltas(x, win=DELTA_WIN):
    T = x.shape[0]
    padded = torch.cat([x[:1].expand(win, -1), x, x[-1:].expand(win, -1)])
    num = sum(n * (padded[win + n: win + n + T] - padded[win - n: win - n + T]) for n in range(1, win + 1))
    return num / (2 * sum(n * n for n in range(1, win + 1)))


def add_deltas(mfcc):
    d1 = deltas(mfcc)
    return torch.cat([mfcc, d1, deltas(d1)], dim=-1)


class FeaturePipeline:
    def __init__(self, eps=1e-5):
        self.eps = eps
        self.mean = None
        self.std = None

    def fit(self, utts):
        stacked = torch.cat([torch.from_numpy(u["mfcc"]) for u in utts])
        self.mean = stacked.mean(0)
        self.std = stacked.std(0) + self.eps
        return self

    def __call__(self, mfcc):
        feats = add_deltas(torch.from_numpy(mfcc))
        return (feats - self.mean) / self.std


class AlignDataset(Dataset):
    def __init__(self, utts, pipeline):
        self.utts = utts
        self.pipeline = pipeline

    def __len__(self):
        return len(self.utts)

    def __getitem__(self, i):
        u = self.utts[i]
        return self.pipeline(u["mfcc"]), torch.tensor(u["phones"]) + 1


def collate(batch):
    feats, targets = zip(*batch)
    return (pad_sequence(feats, batch_first=True), torch.tensor([f.size(0) for f in feats]),
            torch.cat(targets), torch.tensor([t.size(0) for t in targets]))


class CTCAcousticModel(nn.Module):
    def __init__(self, in_dim, hidden, n_labels):
        super().__init__()
        self.proj = nn.Linear(in_dim, hidden)
        self.rnn = nn.LSTM(hidden, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_labels)

    def forward(self, x):
        h, _ = self.rnn(torch.relu(self.proj(x)))
        return self.out(h).log_softmax(-1)


def viterbi_align(log_probs, phones):
    """Force-align a phone sequence (1-based ids) to frames with a blank-interleaved CTC trellis."""
    ext = [BLANK]
    for p in phones:
        ext += [p, BLANK]
    T, S = log_probs.size(0), len(ext)
    score = torch.full((T, S), float("-inf"))
    back = torch.zeros((T, S), dtype=torch.long)
    score[0, 0], score[0, 1] = log_probs[0, ext[0]], log_probs[0, ext[1]]
    for t in range(1, T):
        for s in range(S):
            cands = [(score[t - 1, s], s)]
            if s >= 1:
                cands.append((score[t - 1, s - 1], s - 1))
            if s >= 2 and ext[s] != BLANK and ext[s] != ext[s - 2]:
                cands.append((score[t - 1, s - 2], s - 2))
            best, arg = max(cands, key=lambda c: c[0].item())
            score[t, s] = best + log_probs[t, ext[s]]
            back[t, s] = arg
    s = S - 1 if score[T - 1, S - 1] >= score[T - 1, S - 2] else S - 2
    path = []
    for t in range(T - 1, -1, -1):
        path.append(ext[s])
        s = back[t, s].item()
    return path[::-1]


def main():
    phone_means = rng.standard_normal((len(PHONEMES), N_MFCC)) * 2.0
    utts = synth_utterances(160, phone_means)
    train_utts, test_utts = utts[:140], utts[140:]

    pipeline = FeaturePipeline().fit(train_utts)
    train_dl = DataLoader(AlignDataset(train_utts, pipeline), batch_size=16, shuffle=True, collate_fn=collate)

    model = CTCAcousticModel(3 * N_MFCC, 64, len(PHONEMES) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)

    for epoch in range(4):
        total = 0.0
        for feats, feat_lens, targets, target_lens in train_dl:
            log_probs = model(feats).transpose(0, 1)
            loss = ctc(log_probs, targets, feat_lens, target_lens)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} ctc loss {total / len(train_dl):.3f}")

    model.eval()
    u = test_utts[0]
    with torch.no_grad():
        lp = model(pipeline(u["mfcc"]).unsqueeze(0))[0]
    path = viterbi_align(lp, [p + 1 for p in u["phones"]])
    segs, prev = [], None
    for t, lab in enumerate(path):
        if lab != BLANK and lab != prev:
            segs.append((PHONEMES[lab - 1], t))
        prev = lab
    print("alignment (phone, start frame):", segs)


if __name__ == "__main__":
    main()
