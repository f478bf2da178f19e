"""Frame-level chord recognition from chroma features.

Each clip is a sequence of 12-dim chroma vectors (one per beat frame) and every
frame carries a chord label out of 24 major/minor triads plus "N" (no chord).
"""
import argparse
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CHORD_NAMES = [f"{r}:{q}" for q in ("maj", "min") for r in
               ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")] + ["N"]


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-clips", type=int, default=8)
    p.add_argument("--frames", type=int, default=32)
    p.add_argument("--hidden", type=int, default=48)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


class ChromaClips(Dataset):
    """Synthetic chroma clips: each frame lights up the three notes of its chord."""

    def __init__(self, n_clips, frames, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n_clips):
            chords = torch.randint(0, len(CHORD_NAMES), (frames,), generator=g)
            chroma = torch.rand(frames, 12, generator=g) * 0.2
            for t, c in enumerate(chords.tolist()):
                if c == 24:
                    continue
                root, minor = c % 12, c >= 12
                for iv in (0, 3 if minor else 4, 7):
                    chroma[t, (root + iv) % 12] += 1.0
            self.items.append((chroma, chords))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class ChordTagger(nn.Module):
    def __init__(self, hidden, n_chords):
        super().__init__()
        self.proj = nn.Linear(12, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_chords)

    def forward(self, chroma):
        h = torch.relu(self.proj(chroma))
        h, _ = self.rnn(h)
        return self.out(h)  # (batch, frames, n_chords)


def train(model, loader, args):
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for epoch in range(args.epochs):
        running = 0.0
        for chroma, chords in loader:
            logits = model(chroma)
            loss = loss_fn(logits, chords)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    for chroma, chords in loader:
        pred = model(chroma).argmax(dim=-1)
        correct += (pred == chords).sum().item()
        total += chords.numel()
    return correct / total


def main():
    args = get_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    train_ds = ChromaClips(args.n_clips, args.frames, seed=args.seed)
    val_ds = ChromaClips(4, args.frames, seed=args.seed + 1)
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = ChordTagger(args.hidden, len(CHORD_NAMES))
    train(model, train_dl, args)
    acc = evaluate(model, val_dl)
    print(f"frame accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
