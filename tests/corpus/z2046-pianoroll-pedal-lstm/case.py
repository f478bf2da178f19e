"""Sustain-pedal estimation from a piano roll.

Notes (pitch, onset, offset, velocity) are rendered into an 88-key piano roll
at a fixed frame rate; an LSTM then predicts, frame by frame, whether the
sustain pedal (CC64) is down.  Toy data: pedal is pressed at each chord change.
"""
import random

import numpy as np
import torch
import torch.nn as nn

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

FPS = 20
N_KEYS = 88
LOWEST_MIDI = 21
CLIP_SECONDS = 6.0
N_FRAMES = int(CLIP_SECONDS * FPS)

CHORDS = [(0, 4, 7), (5, 9, 12), (7, 11, 14), (9, 12, 16), (2, 5, 9)]


def random_performance():
    """Return (notes, pedal_segments) for one toy clip."""
    notes, pedal = [], []
    t = 0.0
    root = random.choice([48, 50, 53, 55])
    while t < CLIP_SECONDS - 0.5:
        span = random.choice([0.75, 1.0, 1.5])
        chord = random.choice(CHORDS)
        for iv in chord:
            notes.append((root + iv, t, t + span * 0.6, random.randint(50, 100)))
        for _ in range(random.randint(1, 3)):
            on = t + random.random() * span * 0.8
            notes.append((root + 24 + random.choice(chord), on, on + 0.25, random.randint(60, 110)))
        pedal.append((t + 0.05, t + span - 0.05))
        t += span
    return notes, pedal


def notes_to_roll(notes, n_frames):
    roll = np.zeros((n_frames, N_KEYS))
    for pitch, onset, offset, vel in notes:
        key = pitch - LOWEST_MIDI
        if not 0 <= key < N_KEYS:
            continue
        a = int(round(onset * FPS))
        b = max(a + 1, int(round(offset * FPS)))
        roll[a:min(b, n_frames), key] = vel / 127.0
    return roll


def pedal_to_frames(segments, n_frames):
    target = torch.zeros(n_frames)
    for start, end in segments:
        target[int(start * FPS):int(end * FPS)] = 1.0
    return target


class PedalTracker(nn.Module):
    def __init__(self, n_keys=N_KEYS, hidden=64):
        super().__init__()
        self.frame_proj = nn.Linear(n_keys, hidden)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, rolls):
        h = torch.relu(self.frame_proj(rolls))
        h, _ = self.rnn(h)
        return self.out(h).squeeze(-1)


def build_split(n_clips):
    rolls, targets = [], []
    for _ in range(n_clips):
        notes, pedal = random_performance()
        rolls.append(torch.from_numpy(notes_to_roll(notes, N_FRAMES)))
        targets.append(pedal_to_frames(pedal, N_FRAMES))
    return torch.stack(rolls), torch.stack(targets)


def frame_f1(logits, target):
    pred = (logits > 0).float()
    tp = (pred * target).sum()
    prec = tp / pred.sum().clamp(min=1)
    rec = tp / target.sum().clamp(min=1)
    return (2 * prec * rec / (prec + rec).clamp(min=1e-8)).item()


def main():
    train_rolls, train_pedal = build_split(32)
    val_rolls, val_pedal = build_split(8)
    print("train rolls:", tuple(train_rolls.shape), "pedal frames:", tuple(train_pedal.shape))

    model = PedalTracker()
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(4):
        model.train()
        perm = torch.randperm(train_rolls.size(0))
        for i in range(0, len(perm), 8):
            idx = perm[i:i + 8]
            logits = model(train_rolls[idx])
            loss = criterion(logits, train_pedal[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            f1 = frame_f1(model(val_rolls), val_pedal)
        print(f"epoch {epoch}: train loss {loss.item():.3f}  val frame-F1 {f1:.3f}")


if __name__ == "__main__":
    main()
