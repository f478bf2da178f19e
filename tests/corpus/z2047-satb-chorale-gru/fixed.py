"""Next-chord prediction for four-part (SATB) chorales.

A chorale is stored voice-major, as a (4, n_steps) grid of MIDI pitches on an
eighth-note grid (0 = rest).  At every step the four voice embeddings are
concatenated into one chord vector; a GRU reads the chord sequence and four
heads predict each voice's pitch at the next step.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

VOICES = ["soprano", "alto", "tenor", "bass"]
VOICE_RANGES = {"soprano": (60, 81), "alto": (53, 74), "tenor": (48, 69), "bass": (36, 62)}
REST = 0
PITCH_VOCAB = 128
STEPS = 32

TRIADS = [(0, 4, 7), (5, 9, 0), (7, 11, 2), (9, 0, 4), (2, 5, 9)]


def place_in_range(pc, lo, hi):
    for p in range(lo, hi + 1):
        if p % 12 == pc:
            return p
    return lo


def toy_chorale(tonic_pc):
    grid = torch.zeros(len(VOICES), STEPS, dtype=torch.long)
    step = 0
    while step < STEPS:
        triad = random.choice(TRIADS)
        dur = random.choice([2, 2, 4])
        for v, name in enumerate(VOICES):
            lo, hi = VOICE_RANGES[name]
            pc = (tonic_pc + triad[0 if name == "bass" else random.randrange(3)]) % 12
            grid[v, step:step + dur] = place_in_range(pc, lo, hi)
        step += dur
    if random.random() < 0.3:
        grid[:, -2:] = REST
    return grid


class ChoraleGRU(nn.Module):
    def __init__(self, n_voices=4, pitch_dim=24, hidden=96):
        super().__init__()
        self.n_voices = n_voices
        self.pitch_emb = nn.Embedding(PITCH_VOCAB, pitch_dim)
        self.voice_emb = nn.Parameter(torch.randn(n_voices, 1, pitch_dim) * 0.02)
        self.rnn = nn.GRU(n_voices * pitch_dim, hidden, batch_first=True)
        self.heads = nn.ModuleList([nn.Linear(hidden, PITCH_VOCAB) for _ in range(n_voices)])

    def forward(self, grids):
        # grids: (batch, voices, steps)
        b, v, t = grids.shape
        e = self.pitch_emb(grids) + self.voice_emb          # (b, v, t, d)
        e = e.permute(0, 2, 1, 3)                           # (b, t, v, d)
        chords = e.reshape(b, t, v * e.size(-1))            # (b, t, v*d)
        h, _ = self.rnn(chords)
        return torch.stack([head(h) for head in self.heads], dim=1)  # (b, v, t, vocab)


def next_step_loss(logits, grids):
    pred = logits[:, :, :-1]
    gold = grids[:, :, 1:]
    return F.cross_entropy(pred.reshape(-1, PITCH_VOCAB), gold.reshape(-1))


def voice_accuracy(logits, grids):
    pred = logits[:, :, :-1].argmax(-1)
    gold = grids[:, :, 1:]
    return {name: (pred[:, i] == gold[:, i]).float().mean().item()
            for i, name in enumerate(VOICES)}


def main():
    chorales = torch.stack([toy_chorale(random.randrange(12)) for _ in range(64)])
    train_set, val_set = chorales[:52], chorales[52:]
    print("chorale grids:", tuple(chorales.shape))

    model = ChoraleGRU(n_voices=len(VOICES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        model.train()
        order = torch.randperm(len(train_set))
        for i in range(0, len(order), 13):
            batch = train_set[order[i:i + 13]]
            loss = next_step_loss(model(batch), batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = voice_accuracy(model(val_set), val_set)
        print(f"epoch {epoch} loss {loss.item():.3f} " +
              " ".join(f"{k}={a:.2f}" for k, a in acc.items()))


if __name__ == "__main__":
    main()
