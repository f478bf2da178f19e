"""Frame-level chord recognition for 3/4 waltz piano rolls with a small BiLSTM.

Piano rolls are quantised to sixteenth notes; chord annotations come one per beat
(quarter note) and are expanded to the frame grid before training.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

BEATS_PER_BAR = 3
STEPS_PER_BEAT = 4
BARS_PER_EXCERPT = 8
N_PITCHES = 88
LOWEST_MIDI = 21

CHORD_NAMES = ["N"] + [f"{root}:{q}" for root in ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
                       for q in ("maj", "min")]
CHORD_TO_IDX = {c: i for i, c in enumerate(CHORD_NAMES)}


def chord_pitches(chord_idx):
    if chord_idx == 0:
        return []
    root = (chord_idx - 1) // 2
    third = 4 if (chord_idx - 1) % 2 == 0 else 3
    return [root, root + third, root + 7]


def render_waltz_bar(chord_idx):
    """Oom-pah-pah: bass on beat 1, chord stabs on beats 2 and 3."""
    steps = BEATS_PER_BAR * STEPS_PER_BEAT
    roll = torch.zeros(N_PITCHES, steps)
    pcs = chord_pitches(chord_idx)
    if not pcs:
        return roll
    bass = 36 + pcs[0] - LOWEST_MIDI
    roll[bass, 0:STEPS_PER_BEAT] = 1.0
    for beat in (1, 2):
        for pc in pcs:
            p = 60 + pc - LOWEST_MIDI
            roll[p, beat * STEPS_PER_BEAT: beat * STEPS_PER_BEAT + 2] = 1.0
    if random.random() < 0.7:
        mel = 72 + random.choice(pcs) - LOWEST_MIDI
        roll[mel, random.randrange(steps):] = 1.0
    return roll


def make_excerpt():
    bar_chords = [random.randrange(1, len(CHORD_NAMES)) for _ in range(BARS_PER_EXCERPT)]
    roll = torch.cat([render_waltz_bar(c) for c in bar_chords], dim=1)
    beat_chords = torch.tensor([c for c in bar_chords for _ in range(BEATS_PER_BAR)])
    return roll, beat_chords


def beats_to_frames(beat_chords):
    return torch.repeat_interleave(beat_chords, STEPS_PER_BEAT)


class ChordTagger(nn.Module):
    def __init__(self, n_chords, hidden=64):
        super().__init__()
        self.frontend = nn.Sequential(nn.Linear(N_PITCHES, 96), nn.ReLU(), nn.Dropout(0.1))
        self.rnn = nn.LSTM(96, hidden, batch_first=True, bidirectional=True)
        self.classifier = nn.Linear(2 * hidden, n_chords)

    def forward(self, rolls):
        frames = rolls.transpose(1, 2)  # (batch, time, pitch)
        h, _ = self.rnn(self.frontend(frames))
        return self.classifier(h)


def build_split(n):
    rolls, frame_labels = [], []
    for _ in range(n):
        roll, beat_chords = make_excerpt()
        rolls.append(roll)
        frame_labels.append(beats_to_frames(beat_chords))
    return torch.stack(rolls), torch.stack(frame_labels)


def frame_accuracy(logits, labels):
    return (logits.argmax(-1) == labels).float().mean().item()


def main():
    train_rolls, train_labels = build_split(64)
    val_rolls, val_labels = build_split(16)
    print("train rolls", tuple(train_rolls.shape), "labels", tuple(train_labels.shape))

    model = ChordTagger(len(CHORD_NAMES))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    batch_size = 8

    for epoch in range(3):
        model.train()
        perm = torch.randperm(len(train_rolls))
        total = 0.0
        for i in range(0, len(perm), batch_size):
            idx = perm[i:i + batch_size]
            logits = model(train_rolls[idx])
            loss = F.cross_entropy(logits.reshape(-1, len(CHORD_NAMES)), train_labels[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = frame_accuracy(model(val_rolls), val_labels)
        print(f"epoch {epoch}: loss {total / len(train_rolls):.3f}  val frame acc {acc:.3f}")

    with torch.no_grad():
        pred = model(val_rolls[:1]).argmax(-1)[0]
    beats = pred[::STEPS_PER_BEAT].tolist()
    print("predicted chords per beat:", [CHORD_NAMES[c] for c in beats[:12]])


if __name__ == "__main__":
    main()
