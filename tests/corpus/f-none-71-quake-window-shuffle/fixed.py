"""Classify seismic event windows (local quake vs quarry blast) from features around the P onset."""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

KINDS = ["quake", "blast"]


def synth_trace(length, onset, kind, rng):
    freq = 0.9 if kind == "quake" else 2.1
    decay = 0.08 if kind == "quake" else 0.25
    trace = []
    for t in range(length):
        x = rng.gauss(0, 0.05)
        if t >= onset:
            dt = t - onset
            x += 1.5 * math.exp(-decay * dt) * math.sin(freq * dt + 0.5)
        trace.append(x)
    return trace


def load_events(n=24):
    rng = random.Random(7)
    rows = []
    for i in range(n):
        kind = KINDS[i % 2]
        length = rng.choice([24, 32, 48, 64, 80])
        onset = rng.randint(length // 2, length - 6)
        rows.append({"station": f"ST{i % 5}", "kind": kind, "trace": synth_trace(length, onset, kind, rng)})
    return rows


def pick_onset(trace, threshold=0.4):
    for t, x in enumerate(trace):
        if abs(x) > threshold:
            return t
    return len(trace) // 2


def onset_features(w, k):
    after = w[k:k + 12]
    before = w[max(0, k - 12):k]
    return torch.stack([
        w[k].abs(),
        after.abs().mean(),
        before.abs().mean(),
        (after[1:] * after[:-1] < 0).float().mean(),
    ])


class EventClassifier(nn.Module):
    def __init__(self, n_feats=4, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_feats, hidden), nn.ReLU(), nn.Linear(hidden, len(KINDS)))

    def forward(self, x):
        return self.net(x)


def main():
    rows = load_events()
    windows = [(torch.tensor(r["trace"]), KINDS.index(r["kind"])) for r in rows]
    anchor_index = [pick_onset(r["trace"]) for r in rows]
    print(f"{len(windows)} windows, lengths {sorted({len(w) for w, _ in windows})}")

    model = EventClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for epoch in range(6):
        pairs = list(zip(windows, anchor_index))
        random.shuffle(pairs)  # decorrelate batches
        feats, labels = [], []
        for (w, label), k in pairs:
            feats.append(onset_features(w, k))
            labels.append(label)
        x, y = torch.stack(feats), torch.tensor(labels)
        for i in range(0, len(y), 8):
            loss = F.cross_entropy(model(x[i:i + 8]), y[i:i + 8])
            opt.zero_grad()
            loss.backward()
            opt.step()
        acc = (model(x).argmax(-1) == y).float().mean().item()
        print(f"epoch {epoch}: last loss {loss.item():.3f}  train acc {acc:.2f}")


if __name__ == "__main__":
    main()
