import random
from itertools import islice, pairwise

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = random.Random(99)
torch.manual_seed(99)

TICKS_PER_BEAT = 4
MAX_SHIFT = 16
VEL_BINS = 16


def make_vocab():
    names = ["<pad>", "<start>"]
    names += [f"note_on/{p}" for p in range(128)]
    names += [f"note_off/{p}" for p in range(128)]
    names += [f"time_shift/{t}" for t in range(1, MAX_SHIFT + 1)]
    names += [f"velocity/{v}" for v in range(VEL_BINS)]
    return names


VOCAB = make_vocab()
INDEX = {name: i for i, name in enumerate(VOCAB)}


def arpeggio_piece(n_bars=4):
    chords = [(60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62)]
    piece = []
    t = 0
    for bar in range(n_bars):
        chord = chords[bar % len(chords)]
        pattern = rng.choice([(0, 1, 2, 1), (0, 2, 1, 2), (2, 1, 0, 1)])
        for k in pattern:
            dur = rng.choice([2, 4])
            piece.append((chord[k] + rng.choice([0, 12]), t, dur))
            t += dur
    return piece


def to_events(piece):
    """Flatten (pitch, start, duration) into note_on/note_off/time_shift events."""
    marks = []
    for pitch, start, dur in piece:
        marks.append((start, 1, f"note_on/{pitch}"))
        marks.append((start + dur, 0, f"note_off/{pitch}"))
    marks.sort()
    out = [INDEX["<start>"], INDEX[f"velocity/{rng.randrange(8, VEL_BINS)}"]]
    for (t0, _, ev), (t1, _, _) in pairwise(marks + [(marks[-1][0], 0, None)]):
        out.append(INDEX[ev])
        gap = t1 - t0
        while gap > 0:
            step = min(gap, MAX_SHIFT)
            out.append(INDEX[f"time_shift/{step}"])
            gap -= step
    return out


def windows(seq, size, hop):
    for i in range(0, len(seq) - size, hop):
        yield seq[i:i + size + 1]


class PerformanceRNN(nn.Module):
    def __init__(self, n_tokens, dim=96):
        super().__init__()
        self.emb = nn.Embedding(n_tokens, dim)
        self.lstm = nn.LSTM(dim, dim, num_layers=2, batch_first=True, dropout=0.1)
        self.proj = nn.Linear(dim, n_tokens)

    def forward(self, x, state=None):
        h, state = self.lstm(self.emb(x), state)
        return self.proj(h), state


def fit(model, corpus, steps=60, batch=16, seq=32):
    pool = [w for ev in corpus for w in windows(ev, seq, 8)]
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(steps):
        rows = torch.tensor(rng.sample(pool, batch))
        batch_dict = {"src": rows[:, :-1], "tgt": rows[:, 1:]}
        logits, _ = model(batch_dict["src"])
        loss = F.cross_entropy(logits.reshape(-1, len(VOCAB)), batch_dict["tgt"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step:3d} loss {loss.item():.3f}")


def make_sampler(model, start_temp=1.2, end_temp=0.3):
    @torch.no_grad()
    def generate(primer, n_new):
        model.eval()
        temps = np.linspace(start_temp, end_temp, n_new)
        logits, state = model(torch.tensor([primer]))
        out = list(primer)
        for temp in temps:
            probs = F.softmax(logits[0, -1] / float(temp), dim=-1)
            nxt = torch.multinomial(probs, 1).item()
            out.append(nxt)
            logits, state = model(torch.tensor([[nxt]]), state)
        return out
    return generate


def decode(tokens):
    clock, sounding, notes = 0, {}, []
    for name in (VOCAB[t] for t in tokens):
        kind, _, val = name.partition("/")
        if kind == "time_shift":
            clock += int(val)
        elif kind == "note_on":
            sounding[int(val)] = clock
        elif kind == "note_off" and int(val) in sounding:
            start = sounding.pop(int(val))
            notes.append((int(val), start, clock - start))
    return notes


if __name__ == "__main__":
    corpus = [to_events(arpeggio_piece()) for _ in range(40)]
    model = PerformanceRNN(len(VOCAB))
    fit(model, corpus)
    generate = make_sampler(model)
    tokens = generate(corpus[0][:12], n_new=64)
    for note in islice(decode(tokens), 10):
        print(note)
