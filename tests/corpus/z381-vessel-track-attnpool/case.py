#!/usr/bin/env python
"""Classify AIS vessel tracks as fishing vs. transit from discretised (speed, turn) events.

Each track is a variable-length sequence of event codes; a small GRU encoder with
attention pooling produces one vector per track.
"""
import argparse
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader, Dataset

SPEED_BINS, TURN_BINS = 8, 6
PAD_ID = 0
N_EVENTS = SPEED_BINS * TURN_BINS + 1


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--n-tracks", type=int, default=144)
    p.add_argument("--max-len", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--dim", type=int, default=48)
    p.add_argument("--seed", type=int, default=11)
    return p.parse_args()


def simulate_track(fishing, rng):
    n = rng.randint(12, 60)
    codes = []
    for _ in range(n):
        if fishing:
            speed = rng.choice([0, 1, 1, 2, 2, 3])
            turn = rng.choice(range(TURN_BINS))
        else:
            speed = rng.choice([4, 5, 5, 6, 6, 7])
            turn = rng.choice([0, 0, 1, 2])
        codes.append(1 + speed * TURN_BINS + turn)
    return codes


class TrackSet(Dataset):
    def __init__(self, n, seed):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n):
            fishing = rng.random() < 0.4
            self.items.append((simulate_track(fishing, rng), int(fishing)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        codes, label = self.items[idx]
        return torch.tensor(codes, dtype=torch.long), label


def length_mask(lengths, max_len):
    positions = torch.arange(max_len).unsqueeze(0)
    return positions < lengths.unsqueeze(1)


class TrackCollator:
    def __init__(self, max_len):
        self.max_len = max_len

    def __call__(self, batch):
        seqs = [s[: self.max_len] for s, _ in batch]
        lengths = torch.tensor([len(s) for s in seqs])
        tokens = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=PAD_ID)
        mask = length_mask(lengths, self.max_len)
        labels = torch.tensor([y for _, y in batch], dtype=torch.long)
        return {"tokens": tokens, "mask": mask, "labels": labels}


class AttnPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, mask):
        scores = self.score(h).squeeze(-1)
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = scores.softmax(dim=-1)
        return torch.bmm(weights.unsqueeze(1), h).squeeze(1)


class TrackClassifier(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.embed = nn.Embedding(N_EVENTS, dim, padding_idx=PAD_ID)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.pool = AttnPool(dim)
        self.head = nn.Linear(dim, 2)

    def forward(self, tokens, mask):
        h, _ = self.gru(self.embed(tokens))
        return self.head(self.pool(h, mask))


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    accelerator = Accelerator(cpu=True)

    train_ds = TrackSet(args.n_tracks, args.seed)
    loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True,
                        collate_fn=TrackCollator(args.max_len))
    model = TrackClassifier(args.dim)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(args.epochs):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            logits = model(batch["tokens"], batch["mask"])
            loss = F.cross_entropy(logits, batch["labels"])
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            total += loss.item() * batch["labels"].size(0)
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
            seen += batch["labels"].size(0)
        accelerator.print(f"epoch {epoch}: loss {total / seen:.4f} acc {correct / seen:.3f}")


if __name__ == "__main__":
    main()
