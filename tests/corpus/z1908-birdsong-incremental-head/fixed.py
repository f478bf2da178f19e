"""Class-incremental bird-song classifier with a small replay buffer.

Each task introduces a few new species. Clips are summarised as 40-dim
log-mel statistics; the classifier head is widened whenever new species
arrive, and a reservoir buffer keeps a handful of old clips for rehearsal.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, ConcatDataset

torch.manual_seed(0)
random.seed(0)

N_MELS = 40
HIDDEN = 64
CLIPS_PER_SPECIES = 48
BUFFER_CAPACITY = 60

# species ids are global across the whole stream
TASK_STREAM = [
    ["robin", "wren", "blackbird"],
    ["chiffchaff", "blackcap", "goldcrest", "nuthatch"],
    ["jay", "starling"],
]
SPECIES_TO_ID = {name: i for i, name in enumerate(s for task in TASK_STREAM for s in task)}


def synth_clips(species_ids):
    feats, tags = [], []
    for sid in species_ids:
        centre = torch.randn(N_MELS) * 2.0 + sid * 0.3
        feats.append(centre + 0.5 * torch.randn(CLIPS_PER_SPECIES, N_MELS))
        tags.append(torch.full((CLIPS_PER_SPECIES,), sid, dtype=torch.long))
    return torch.cat(feats), torch.cat(tags)


class SongNet(nn.Module):
    def __init__(self, n_species):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(N_MELS, HIDDEN), nn.ReLU(),
            nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        )
        self.head = nn.Linear(HIDDEN, n_species)

    def grow_head(self, n_species):
        old = self.head
        if n_species <= old.out_features:
            return
        new = nn.Linear(old.in_features, n_species)
        with torch.no_grad():
            new.weight[: old.out_features] = old.weight
            new.bias[: old.out_features] = old.bias
        self.head = new

    def forward(self, x):
        return self.head(self.encoder(x))


class ReservoirBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []
        self.n_seen = 0

    def add(self, feats, tags):
        for x, y in zip(feats, tags):
            self.n_seen += 1
            if len(self.items) < self.capacity:
                self.items.append((x, y))
            else:
                j = random.randrange(self.n_seen)
                if j < self.capacity:
                    self.items[j] = (x, y)

    def as_dataset(self):
        if not self.items:
            return None
        xs = torch.stack([x for x, _ in self.items])
        ys = torch.stack([y for _, y in self.items])
        return TensorDataset(xs, ys)


def train_task(model, loader, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for _ in range(epochs):
        for feats, tags in loader:
            logits = model(feats)
            loss = F.cross_entropy(logits, tags)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def accuracy(model, feats, tags):
    model.eval()
    return (model(feats).argmax(-1) == tags).float().mean().item()


def main():
    model = SongNet(len(TASK_STREAM[0]))
    buffer = ReservoirBuffer(BUFFER_CAPACITY)
    held_out = []

    for t, species in enumerate(TASK_STREAM):
        species_ids = [SPECIES_TO_ID[s] for s in species]
        feats, tags = synth_clips(species_ids)
        perm = torch.randperm(len(tags))
        feats, tags = feats[perm], tags[perm]
        split = int(0.8 * len(tags))
        held_out.append((feats[split:], tags[split:]))

        model.grow_head(max(species_ids) + 1)

        parts = [TensorDataset(feats[:split], tags[:split])]
        replay = buffer.as_dataset()
        if replay is not None:
            parts.append(replay)
        loader = DataLoader(ConcatDataset(parts), batch_size=32, shuffle=True)

        last_loss = train_task(model, loader)
        buffer.add(feats[:split], tags[:split])

        accs = [accuracy(model, fx, fy) for fx, fy in held_out]
        print(f"task {t} ({', '.join(species)}): loss={last_loss:.3f} "
              f"acc per task={[round(a, 2) for a in accs]} head={model.head.out_features}")


if __name__ == "__main__":
    main()
