import random
import itertools
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

# ---------------------------------------------------------------- vocabulary
N_PITCHES = 128
MAX_SHIFT_STEPS = 100      # 10 ms grid, up to 1 s
VELOCITY_BINS = 32
STEPS_PER_SECOND = 100


def build_event_vocab():
    events = ["<pad>", "<bos>", "<eos>"]
    events += [f"note_on_{p}" for p in range(N_PITCHES)]
    events += [f"note_off_{p}" for p in range(N_PITCHES)]
    events += [f"shift_{s}" for s in range(1, MAX_SHIFT_STEPS + 1)]
    events += [f"vel_{b}" for b in range(VELOCITY_BINS)]
    return {e: i for i, e in enumerate(events)}


EVENT2ID = build_event_vocab()
PAD = EVENT2ID["<pad>"]


def velocity_to_bin(velocity):
    return velocity * VELOCITY_BINS // 128


@dataclass
class Piece:
    notes: list = field(default_factory=list)   # (pitch, start, duration, velocity)


def random_piece(n_notes=40):
    t = 0.0
    notes = []
    scale = [0, 2, 4, 5, 7, 9, 11]
    for _ in range(n_notes):
        pitch = 48 + random.choice(scale) + 12 * random.randint(0, 2)
        dur = random.choice([0.125, 0.25, 0.5, 1.0])
        vel = random.choice([40, 64, 80, 96, 112, 127])
        notes.append((pitch, t, dur, vel))
        t += random.choice([0.0, 0.125, 0.25, 0.5])
    return Piece(notes)


def onset_tokens(piece):
    """For each note: the time-shift token before it, and the note-on token."""
    prev = 0.0
    for pitch, start, dur, vel in sorted(piece.notes, key=lambda n: n[1]):
        steps = int(round((start - prev) * STEPS_PER_SECOND))
        steps = max(1, min(steps, MAX_SHIFT_STEPS))
        yield EVENT2ID[f"shift_{steps}"], EVENT2ID[f"note_on_{pitch}"], velocity_to_bin(vel)
        prev = start


def chunked(iterable, size):
    it = iter(iterable)
    while True:
        block = list(itertools.islice(it, size))
        if len(block) < size:
            return
        yield block


def make_batches(pieces, seq_len=16, batch_size=8):
    windows = []
    for piece in pieces:
        for block in chunked(onset_tokens(piece), seq_len):
            shifts, ons, vels = zip(*block)
            windows.append((torch.tensor(shifts), torch.tensor(ons), torch.tensor(vels)))
    random.shuffle(windows)
    for group in chunked(windows, batch_size):
        s, o, v = (torch.stack(x) for x in zip(*group))
        yield {"shift": s, "note_on": o, "vel_bin": v}


# ---------------------------------------------------------------- model
class VelocityPerformer(nn.Module):
    """Predicts a dynamics bin for each note from the score context."""

    def __init__(self, vocab_size, d_model=64, n_bins=VELOCITY_BINS):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.rnn = nn.GRU(d_model, d_model, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * d_model, d_model), nn.Tanh(), nn.Linear(d_model, n_bins))

    def forward(self, shift, note_on):
        x = self.embed(shift) + self.embed(note_on)
        h, _ = self.rnn(x)
        return self.head(h)


def train(epochs=3):
    pieces = [random_piece() for _ in range(24)]
    model = VelocityPerformer(len(EVENT2ID))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        total, n = 0.0, 0
        for batch in make_batches(pieces):
            logits = model(batch["shift"], batch["note_on"])
            loss = F.cross_entropy(logits.reshape(-1, VELOCITY_BINS), batch["vel_bin"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            n += 1
        print(f"epoch {epoch}: loss {total / max(n, 1):.3f}")
    return model


@torch.no_grad()
def perform(model, piece, temperature=0.8):
    toks = list(onset_tokens(piece))
    shift = torch.tensor([[t[0] for t in toks]])
    on = torch.tensor([[t[1] for t in toks]])
    probs = F.softmax(model(shift, on)[0] / temperature, dim=-1)
    bins = torch.multinomial(probs, 1).squeeze(-1)
    return [(p, s, d, int(b) * 127 // VELOCITY_BINS) for (p, s, d, _), b in zip(piece.notes, bins)]


if __name__ == "__main__":
    model = train()
    rendered = perform(model, random_piece(12))
    for note in rendered[:6]:
        print(note)
