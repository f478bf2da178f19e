"""Frame-level chord recognition on piano rolls with a dilated 1-D CNN (24 triads + no-chord)."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

ROOTS = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
QUALITIES = {"maj": (0, 4, 7), "min": (0, 3, 7)}
CHORD_LABELS = [f"{r}:{q}" for q in QUALITIES for r in ROOTS] + ["N"]
NO_CHORD = len(CHORD_LABELS) - 1
LOWEST, HIGHEST = 21, 108          # piano keys
N_KEYS = HIGHEST - LOWEST + 1
FRAMES_PER_BAR = 16


def chord_pitches(label):
    root, quality = label.split(":")
    base = 48 + ROOTS.index(root)
    voicing = [base + iv for iv in QUALITIES[quality]]
    voicing.append(base - 12)                          # bass note
    voicing.append(base + 12 + random.choice(QUALITIES[quality]))
    return voicing


def render_progression(n_bars):
    """Returns a (keys, frames) roll and a per-frame chord label vector."""
    frames = n_bars * FRAMES_PER_BAR
    roll = torch.zeros(N_KEYS, frames)
    labels = torch.full((frames,), NO_CHORD, dtype=torch.long)
    for bar in range(n_bars):
        start = bar * FRAMES_PER_BAR
        if random.random() < 0.1:
            continue
        idx = random.randrange(NO_CHORD)
        span = random.choice([FRAMES_PER_BAR, FRAMES_PER_BAR // 2])
        for p in chord_pitches(CHORD_LABELS[idx]):
            vel = random.uniform(0.4, 1.0)
            roll[p - LOWEST, start : start + span] = vel
        labels[start : start + span] = idx
    # a little melody on top, unrelated to the labels
    for f in range(0, frames, 2):
        if random.random() < 0.4:
            roll[random.randint(72, 96) - LOWEST, f : f + 2] = random.uniform(0.5, 1.0)
    return roll, labels


class ChordFrameNet(nn.Module):
    def __init__(self, n_keys=N_KEYS, channels=64, n_chords=len(CHORD_LABELS)):
        super().__init__()
        layers = []
        in_ch = n_keys
        for dilation in (1, 2, 4, 8):
            layers += [nn.Conv1d(in_ch, channels, kernel_size=3, padding=dilation, dilation=dilation), nn.GELU()]
            in_ch = channels
        self.body = nn.Sequential(*layers)
        self.out = nn.Conv1d(channels, n_chords, kernel_size=1)

    def forward(self, roll):
        # roll: (batch, keys, frames) -> (batch, chords, frames)
        return self.out(self.body(roll))


def frame_loss(logits, chord_targets):
    batch, n_chords, n_frames = logits.shape
    per_frame = logits.transpose(1, 2).view(batch * n_frames, n_chords)
    return F.cross_entropy(per_frame, chord_targets.view(-1))


def frame_accuracy(logits, chord_targets):
    return (logits.argmax(dim=1) == chord_targets).float().mean().item()


def make_batch(n, n_bars=4):
    rolls, labels = zip(*(render_progression(n_bars) for _ in range(n)))
    return torch.stack(rolls), torch.stack(labels)


def main():
    train_rolls, train_chords = make_batch(96)
    test_rolls, test_chords = make_batch(16)
    print(f"train rolls {tuple(train_rolls.shape)}  chord frames {tuple(train_chords.shape)}")

    net = ChordFrameNet()
    optim = torch.optim.Adam(net.parameters(), lr=1e-3)
    batch_size = 16
    for epoch in range(5):
        perm = torch.randperm(train_rolls.size(0))
        epoch_loss = 0.0
        for i in range(0, len(perm), batch_size):
            sel = perm[i : i + batch_size]
            logits = net(train_rolls[sel])
            loss = frame_loss(logits, train_chords[sel])
            optim.zero_grad()
            loss.backward()
            optim.step()
            epoch_loss += loss.item()
        with torch.no_grad():
            acc = frame_accuracy(net(test_rolls), test_chords)
        print(f"epoch {epoch}  loss {epoch_loss * batch_size / len(perm):.3f}  test frame acc {acc:.2%}")

    with torch.no_grad():
        pred = net(test_rolls[:1]).argmax(dim=1)[0]
    bars = pred.view(-1, FRAMES_PER_BAR)[:, 0].tolist()
    print("first test song, downbeat chords:", [CHORD_LABELS[c] for c in bars])


if __name__ == "__main__":
    main()
