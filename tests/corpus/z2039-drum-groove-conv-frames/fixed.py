"""Drum-pattern infilling: a dilated 1-D conv net fills in masked steps of a drum roll.

Drum rolls use a reduced General MIDI drum map (9 voices) on a 16th-note grid,
two bars per pattern. A random span of steps is blanked out and the model has to
predict which voices hit on every step (multi-label).
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

DRUM_MAP = {36: "kick", 38: "snare", 42: "closed_hh", 46: "open_hh", 45: "low_tom",
            48: "mid_tom", 50: "high_tom", 49: "crash", 51: "ride"}
VOICES = list(DRUM_MAP)
STEPS_PER_BAR = 16
N_BARS = 2
N_STEPS = STEPS_PER_BAR * N_BARS


def random_groove():
    roll = torch.zeros(len(VOICES), N_STEPS)
    v = {name: i for i, name in enumerate(DRUM_MAP.values())}
    hat = "ride" if random.random() < 0.3 else "closed_hh"
    hat_every = random.choice([1, 2])
    for step in range(N_STEPS):
        pos = step % STEPS_PER_BAR
        if pos % hat_every == 0:
            roll[v[hat], step] = 1.0
        if pos in (0, 8) or (pos in (6, 10, 14) and random.random() < 0.4):
            roll[v["kick"], step] = 1.0
        if pos in (4, 12) or (pos % 2 == 1 and random.random() < 0.08):
            roll[v["snare"], step] = 1.0
    if random.random() < 0.5:
        roll[v["crash"], 0] = 1.0
        roll[v[hat], 0] = 0.0
    if random.random() < 0.5:
        for i, tom in enumerate(("high_tom", "mid_tom", "low_tom")):
            roll[v[tom], N_STEPS - 4 + i] = 1.0
    return roll


def blank_span(roll, max_len=8):
    masked = roll.clone()
    start = random.randrange(0, N_STEPS - max_len)
    length = random.randint(2, max_len)
    keep = torch.ones(N_STEPS)
    keep[start:start + length] = 0.0
    return masked * keep, keep


class InfillNet(nn.Module):
    def __init__(self, channels=48):
        super().__init__()
        self.inp = nn.Conv1d(len(VOICES) + 1, channels, kernel_size=3, padding=1)
        self.blocks = nn.ModuleList([
            nn.Conv1d(channels, channels, kernel_size=3, padding=d, dilation=d) for d in (1, 2, 4, 8)
        ])
        self.norm = nn.LayerNorm(channels)
        self.out = nn.Linear(channels, len(VOICES))

    def forward(self, rolls, keep):
        x = torch.cat([rolls, keep.unsqueeze(1)], dim=1)   # (batch, voices + 1, steps)
        h = F.gelu(self.inp(x))
        for block in self.blocks:
            h = h + F.gelu(block(h))
        batch, channels, steps = h.shape
        per_step = h.transpose(1, 2).reshape(batch * steps, channels)
        logits = self.out(self.norm(per_step))
        return logits.view(batch, steps, len(VOICES)).transpose(1, 2)


def make_batch(n):
    targets = torch.stack([random_groove() for _ in range(n)])
    pairs = [blank_span(t) for t in targets]
    rolls = torch.stack([p[0] for p in pairs])
    keep = torch.stack([p[1] for p in pairs])
    return rolls, keep, targets


def main():
    model = InfillNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    pos_weight = torch.full((len(VOICES), 1), 3.0)

    for step in range(100):
        rolls, keep, targets = make_batch(32)
        logits = model(rolls, keep)
        hole = (1.0 - keep).unsqueeze(1)
        per_cell = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight,
                                                      reduction="none")
        loss = (per_cell * hole).sum() / (hole.sum() * len(VOICES))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step}: infill loss {loss.item():.4f}")

    model.eval()
    rolls, keep, targets = make_batch(64)
    with torch.no_grad():
        pred = (torch.sigmoid(model(rolls, keep)) > 0.5).float()
    hole = (1.0 - keep).unsqueeze(1).expand_as(pred).bool()
    acc = (pred[hole] == targets[hole]).float().mean().item()
    print(f"infilled cell accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
