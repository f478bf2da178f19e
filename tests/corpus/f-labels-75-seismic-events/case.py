import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

EVENT_TYPES = ["earthquake", "quarry_blast", "ice_quake", "noise"]


class TrainSettings:
    n_features = 6
    hidden = 32
    n_labels = 3
    n_folds = 3
    epochs = 15
    lr = 3e-3


def synth_waveform_features(kind_idx, rng):
    # peak amplitude, duration, dominant freq, p/s ratio, depth, hour of day
    base = [
        [3.1, 40.0, 4.0, 0.6, 12.0, 0.5],
        [2.2, 8.0, 9.0, 1.4, 0.3, 0.55],
        [1.4, 3.0, 18.0, 0.9, 0.1, 0.3],
        [0.4, 1.5, 25.0, 1.0, 0.0, 0.5],
    ][kind_idx]
    return [b * (1.0 + 0.15 * rng.gauss(0, 1)) for b in base]


def build_catalog(n_per_class=30):
    rng = random.Random(11)
    rows, labels = [], []
    for idx, _name in enumerate(EVENT_TYPES):
        for _ in range(n_per_class):
            rows.append(synth_waveform_features(idx, rng))
            labels.append(idx)
    x = torch.tensor(rows, dtype=torch.float32)
    x = (x - x.mean(0)) / (x.std(0) + 1e-6)
    return x, torch.tensor(labels)


class EventClassifier(nn.Module):
    def __init__(self, n_in, hidden, n_out):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, n_out)
        )

    def forward(self, x):
        return self.net(x)


def train_fold(x_tr, y_tr):
    model = EventClassifier(TrainSettings.n_features, TrainSettings.hidden, TrainSettings.n_labels)
    opt = torch.optim.Adam(model.parameters(), lr=TrainSettings.lr)
    for epoch in range(TrainSettings.epochs):
        perm = torch.randperm(len(x_tr))
        for start in range(0, len(x_tr), 16):
            idx = perm[start:start + 16]
            loss = F.cross_entropy(model(x_tr[idx]), y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def main():
    x, y = build_catalog()
    n = len(x)
    print(f"catalog: {n} events, classes={EVENT_TYPES}")
    order = torch.randperm(n)
    fold_size = math.ceil(n / TrainSettings.n_folds)
    oof = torch.zeros(n, TrainSettings.n_labels)

    for fold in range(TrainSettings.n_folds):
        val_idx = order[fold * fold_size:(fold + 1) * fold_size]
        mask = torch.ones(n, dtype=torch.bool)
        mask[val_idx] = False
        model = train_fold(x[mask], y[mask])
        model.eval()
        with torch.no_grad():
            oof[val_idx] = model(x[val_idx]).softmax(-1)
        acc = (oof[val_idx].argmax(-1) == y[val_idx]).float().mean().item()
        print(f"fold {fold}: val acc {acc:.3f}")

    pred = oof.argmax(-1)
    print(f"out-of-fold accuracy: {(pred == y).float().mean().item():.3f}")
    for c, name in enumerate(EVENT_TYPES):
        sel = y == c
        print(f"  {name:>13}: mean p(true) = {oof[sel, c].mean().item():.3f}")


if __name__ == "__main__":
    main()
