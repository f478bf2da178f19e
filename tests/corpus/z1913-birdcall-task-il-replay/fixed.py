"""Task-incremental bird-call recognition with a replay buffer.

Species arrive in three recording seasons; the classifier head grows with each
season and a small reservoir of past clips is replayed alongside new ones.
At train and test time the logits are restricted to the species of the clip's
own season (task-incremental protocol).
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)
random.seed(3)

SEASONS = [
    ["robin", "wren", "chaffinch"],
    ["tawny_owl", "grey_heron"],
    ["kestrel", "swift", "skylark"],
]
N_MELS, N_FRAMES = 32, 24
CLIPS_PER_SPECIES = 30
REPLAY_SLOTS = 60
REPLAY_PER_BATCH = 8

species_ids, season_classes = {}, []
for season in SEASONS:
    season_classes.append([species_ids.setdefault(s, len(species_ids)) for s in season])


def synth_clips(class_id, n):
    band = 2 + (class_id * 3) % (N_MELS - 6)
    clips = 0.3 * torch.randn(n, 1, N_MELS, N_FRAMES)
    rate = 2 + class_id % 4
    clips[:, :, band:band + 4, ::rate] += 1.5
    return clips


def season_loader(season_idx, train=True):
    xs, ys = [], []
    for cid in season_classes[season_idx]:
        xs.append(synth_clips(cid, CLIPS_PER_SPECIES if train else 10))
        ys.append(torch.full((CLIPS_PER_SPECIES if train else 10,), cid))
    ds = TensorDataset(torch.cat(xs), torch.cat(ys), torch.full((len(torch.cat(ys)),), season_idx))
    return DataLoader(ds, batch_size=16, shuffle=train)


class CallNet(nn.Module):
    def __init__(self, emb=48):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
            nn.Flatten(), nn.Linear(32, emb), nn.ReLU(),
        )
        self.emb = emb
        self.head = None

    def grow_head(self, n_new):
        old = self.head
        if old is None:
            self.head = nn.Linear(self.emb, n_new)
            return
        self.head = nn.Linear(old.in_features, old.out_features + n_new)
        with torch.no_grad():
            self.head.weight[: old.out_features] = old.weight
            self.head.bias[: old.out_features] = old.bias

    def forward(self, clips):
        return self.head(self.features(clips))


def season_mask(season_of_row, width):
    rows = [F.one_hot(torch.tensor(season_classes[s]), num_classes=width).sum(0).bool()
            for s in season_of_row.tolist()]
    return torch.stack(rows)


def restrict(logits, season_of_row):
    allowed = season_mask(season_of_row, logits.size(1))
    return torch.where(allowed, logits, torch.full_like(logits, float("-inf")))


class Reservoir:
    def __init__(self, slots):
        self.slots, self.seen, self.items = slots, 0, []

    def add(self, x, y, s):
        for item in zip(x, y, s):
            self.seen += 1
            if len(self.items) < self.slots:
                self.items.append(item)
            else:
                j = random.randrange(self.seen)
                if j < self.slots:
                    self.items[j] = item

    def sample(self, k):
        picked = random.sample(self.items, min(k, len(self.items)))
        return tuple(torch.stack(col) for col in zip(*picked))


def train_season(model, season_idx, buffer, epochs=3):
    model.grow_head(len(SEASONS[season_idx]))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(epochs):
        for x, y, s in season_loader(season_idx):
            if buffer.items:
                rx, ry, rs = buffer.sample(REPLAY_PER_BATCH)
                x, y, s = torch.cat([x, rx]), torch.cat([y, ry]), torch.cat([s, rs])
            loss = F.cross_entropy(restrict(model(x), s), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    for x, y, s in season_loader(season_idx):
        buffer.add(x, y, s)


@torch.no_grad()
def evaluate(model, upto):
    accs = []
    for idx in range(upto + 1):
        hit = tot = 0
        for x, y, s in season_loader(idx, train=False):
            hit += (restrict(model(x), s).argmax(1) == y).sum().item()
            tot += len(y)
        accs.append(round(hit / tot, 3))
    return accs


model = CallNet()
buffer = Reservoir(REPLAY_SLOTS)
for idx, season in enumerate(SEASONS):
    train_season(model, idx, buffer)
    print(f"after season {idx} ({', '.join(season)}): task accuracies {evaluate(model, idx)}")
