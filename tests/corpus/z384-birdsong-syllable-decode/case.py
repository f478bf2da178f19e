"""Syllable transcription for zebra-finch song recordings.

A small conv + GRU acoustic model emits per-frame syllable posteriors; we
greedy-decode each recording (collapse repeats, drop the blank) and compute a
syllable error rate on a held-out batch.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SYLLABLES = ["<blank>", "A", "B", "C", "D", "E", "intro"]
N_MELS = 40
SEED = 7

torch.manual_seed(SEED)
np.random.seed(SEED)
random.seed(SEED)


class SongEncoder(nn.Module):
    def __init__(self, n_mels, n_classes, hidden=64):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(n_mels, hidden, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, spec):
        # spec: (batch, n_mels, frames)
        x = self.frontend(spec).transpose(1, 2)
        x, _ = self.rnn(x)
        return F.log_softmax(self.head(x), dim=-1)


def make_recordings(n, min_frames=60, max_frames=120):
    specs, lengths, transcripts = [], [], []
    for _ in range(n):
        frames = random.randint(min_frames, max_frames)
        specs.append(torch.randn(N_MELS, frames))
        lengths.append(frames)
        n_syl = random.randint(3, 8)
        transcripts.append([random.randint(1, len(SYLLABLES) - 1) for _ in range(n_syl)])
    return specs, torch.tensor(lengths), transcripts


def pad_specs(specs):
    longest = max(s.shape[1] for s in specs)
    out = torch.zeros(len(specs), N_MELS, longest)
    for i, s in enumerate(specs):
        out[i, :, : s.shape[1]] = s
    return out


def greedy_decode(log_probs, lengths):
    best = log_probs.argmax(dim=-1)
    hyps = []
    for i in range(best.shape[0]):
        seq, prev = [], None
        for t in range(int(lengths[i])):
            sym = best[i, t].item()
            if sym != prev and sym != 0:
                seq.append(sym)
            prev = sym
        hyps.append(seq)
    return hyps


def edit_distance(a, b):
    d = np.zeros((len(a) + 1, len(b) + 1), dtype=np.int64)
    d[:, 0] = np.arange(len(a) + 1)
    d[0, :] = np.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + cost)
    return int(d[-1, -1])


def evaluate(model, specs, lengths, transcripts):
    model.eval()
    with torch.no_grad():
        batch = pad_specs(specs)
        log_probs = model(batch)
    hyps = greedy_decode(log_probs, lengths)
    errors = sum(edit_distance(h, r) for h, r in zip(hyps, transcripts))
    total = sum(len(r) for r in transcripts)
    for h, r in list(zip(hyps, transcripts))[:3]:
        print("ref:", " ".join(SYLLABLES[s] for s in r))
        print("hyp:", " ".join(SYLLABLES[s] for s in h))
    return errors / max(total, 1)


if __name__ == "__main__":
    model = SongEncoder(N_MELS, len(SYLLABLES))
    specs, lengths, transcripts = make_recordings(16)
    ser = evaluate(model, specs, lengths, transcripts)
    print(f"syllable error rate: {ser:.3f}")
