"""Margin-based active learning for wrist accelerometer activity recognition.

Windows of 3-axis accelerometer data are labeled in batches: every round the
annotator reviews the QUERY_BUDGET windows with the smallest top-2 margin.
We keep going until the whole unlabeled pool has been reviewed, tracking how
accuracy on a held-out set evolves as labels are added.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(11)
torch.manual_seed(11)

ACTIVITIES = ["sitting", "walking", "running", "stairs"]
WIN = 50
FS = 25.0
N_WINDOWS = 180
N_HELDOUT = 60
SEED_PER_ACTIVITY = 5
QUERY_BUDGET = 24


def synth_window(act):
    t = np.arange(WIN) / FS
    freq = [0.0, 1.8, 2.9, 1.3][act]
    amp = [0.05, 0.6, 1.4, 0.9][act]
    phase = rng.uniform(0, 2 * np.pi, size=3)
    sig = amp * np.sin(2 * np.pi * freq * t[None, :] + phase[:, None])
    if act == 3:
        sig[2] += 0.4 * np.sign(np.sin(2 * np.pi * 0.65 * t))
    sig[2] += 1.0  # gravity on z
    return sig + rng.normal(0, 0.15, size=sig.shape)


def make_recordings(n):
    acts = rng.integers(0, len(ACTIVITIES), size=n)
    X = np.stack([synth_window(a) for a in acts]).astype(np.float32)
    return torch.from_numpy(X), torch.from_numpy(acts).long()


class ActivityCNN(nn.Module):
    def __init__(self, n_cls):
        super().__init__()
        self.c1 = nn.Conv1d(3, 16, 5, padding=2)
        self.c2 = nn.Conv1d(16, 16, 5, padding=2)
        self.out = nn.Linear(16, n_cls)

    def forward(self, x):
        h = F.relu(self.c1(x))
        h = F.relu(self.c2(F.max_pool1d(h, 2)))
        return self.out(h.mean(-1))


def train_model(xs, ys, epochs=20):
    model = ActivityCNN(len(ACTIVITIES))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(epochs):
        for chunk in torch.randperm(len(ys)).split(32):
            opt.zero_grad()
            F.cross_entropy(model(xs[chunk]), ys[chunk]).backward()
            opt.step()
    return model


@torch.no_grad()
def top2_margin(model, xs):
    p = model(xs).softmax(-1)
    best2 = p.topk(2, dim=-1).values
    return best2[:, 0] - best2[:, 1]


def query_by_margin(model, windows, unlabeled):
    margins = top2_margin(model, windows[unlabeled])
    order = torch.argsort(margins)
    picks = []
    for rank in range(QUERY_BUDGET):
        picks.append(unlabeled[order[rank].item()])
    return picks


def main():
    windows, truth = make_recordings(N_WINDOWS)
    held_x, held_y = make_recordings(N_HELDOUT)

    labeled = []
    for a in range(len(ACTIVITIES)):
        labeled += torch.nonzero(truth == a).flatten()[:SEED_PER_ACTIVITY].tolist()
    unlabeled = [i for i in range(N_WINDOWS) if i not in labeled]
    n_rounds = math.ceil(len(unlabeled) / QUERY_BUDGET)
    print(f"seed={len(labeled)} pool={len(unlabeled)} -> {n_rounds} review rounds")

    curve = []
    for rnd in range(n_rounds):
        model = train_model(windows[labeled], truth[labeled])
        with torch.no_grad():
            acc = (model(held_x).argmax(-1) == held_y).float().mean().item()
        curve.append((len(labeled), acc))
        picks = query_by_margin(model, windows, unlabeled)
        labeled += picks
        picked = set(picks)
        unlabeled = [i for i in unlabeled if i not in picked]
        print(f"round {rnd}: labeled={len(labeled):3d} held-out acc={acc:.3f} left={len(unlabeled)}")

    model = train_model(windows[labeled], truth[labeled])
    with torch.no_grad():
        acc = (model(held_x).argmax(-1) == held_y).float().mean().item()
    curve.append((len(labeled), acc))
    for n, a in curve:
        print(f"{n:4d} labels -> {a:.3f}")


if __name__ == "__main__":
    main()
