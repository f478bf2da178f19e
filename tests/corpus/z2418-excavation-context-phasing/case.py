# Phase prediction for excavated stratigraphic contexts from their finds assemblages.
# Inputs mimic the two sheets we get from the field team: the context register
# (one row per context, phased from the Harris matrix) and the small-finds export.
import csv
import os
from collections import Counter, defaultdict

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
REGISTER_CSV = os.path.join(HERE, "context_register.csv")
FINDS_CSV = os.path.join(HERE, "finds_export.csv")

PHASES = ["roman", "early_medieval", "late_medieval", "post_medieval"]
MATERIALS = ["pottery", "cbm", "animal_bone", "iron", "copper_alloy", "glass", "flint", "clay_pipe"]
TRENCHES = ["T1", "T2", "T3", "T4"]


def write_site_sheets(seed=3):
    rng = np.random.default_rng(seed)
    contexts = np.arange(1001, 1001 + 60)
    phase_idx = rng.integers(0, len(PHASES), size=len(contexts))
    with open(REGISTER_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["context", "trench", "type", "phase"])
        for ctx, ph in zip(contexts, phase_idx):
            phase = PHASES[ph] if rng.random() > 0.1 else "unphased"
            w.writerow([ctx, rng.choice(TRENCHES), rng.choice(["fill", "layer", "surface"]), phase])

    # finds sheet: numeric columns come out of the recording database as one block
    rows = []
    for ctx, ph in zip(contexts, phase_idx):
        n_finds = rng.integers(3, 15)
        base_depth = 0.3 + 0.4 * (len(PHASES) - ph) + rng.uniform(0, 0.3)
        for _ in range(n_finds):
            mat = rng.choice(len(MATERIALS), p=material_profile(ph))
            rows.append((ctx, mat, base_depth + rng.normal(0, 0.05), rng.gamma(2.0, 15.0)))
    block = np.array(rows, dtype=np.float64)
    with open(FINDS_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["find_no", "context", "material", "depth_m", "weight_g"])
        for i, (ctx, mat, depth, wt) in enumerate(block, start=1):
            w.writerow([f"SF{i:04d}", ctx, MATERIALS[int(mat)], round(depth, 3), round(wt, 1)])


def material_profile(phase):
    p = np.ones(len(MATERIALS))
    if phase == 0:
        p[[0, 1, 5]] += 3
    elif phase in (1, 2):
        p[[0, 2, 3]] += 3
    else:
        p[[0, 5, 7]] += 3
    return p / p.sum()


def load_register(path):
    register = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            register[row["context"]] = row
    return register


def assemblage_features(finds_path, register):
    counts = defaultdict(Counter)
    depths = defaultdict(list)
    weights = defaultdict(float)
    with open(finds_path, newline="") as fh:
        for row in csv.DictReader(fh):
            ctx = row["context"]
            if register[ctx]["phase"] == "unphased":
                continue
            counts[ctx][row["material"]] += 1
            depths[ctx].append(float(row["depth_m"]))
            weights[ctx] += float(row["weight_g"])
    feats, labels, trenches = [], [], []
    for ctx, c in sorted(counts.items()):
        total = sum(c[m] for m in MATERIALS)
        vec = [c[m] / total for m in MATERIALS]
        vec += [np.mean(depths[ctx]), np.log1p(weights[ctx]), np.log1p(total)]
        feats.append(vec)
        labels.append(PHASES.index(register[ctx]["phase"]))
        trenches.append(register[ctx]["trench"])
    return np.array(feats, dtype=np.float32), np.array(labels), np.array(trenches)


def train_phase_model(X, y, X_val, y_val, epochs=200, lr=0.05):
    mu, sd = X.mean(0), X.std(0) + 1e-6
    X = torch.from_numpy((X - mu) / sd)
    X_val = torch.from_numpy((X_val - mu) / sd)
    y = torch.from_numpy(y).long()
    y_val = torch.from_numpy(y_val).long()
    model = nn.Sequential(nn.Linear(X.shape[1], 16), nn.ReLU(), nn.Linear(16, len(PHASES)))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for ep in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        if ep % 50 == 0:
            with torch.no_grad():
                acc = (model(X_val).argmax(1) == y_val).float().mean().item()
            print(f"epoch {ep}: train loss {loss.item():.3f}  held-out trench acc {acc:.2f}")
    return model


def main():
    torch.manual_seed(0)
    write_site_sheets()
    register = load_register(REGISTER_CSV)
    print(f"register: {len(register)} contexts")
    X, y, trenches = assemblage_features(FINDS_CSV, register)
    print(f"features for {len(y)} phased contexts, phase counts {np.bincount(y, minlength=len(PHASES))}")
    held_out = trenches == "T4"
    train_phase_model(X[~held_out], y[~held_out], X[held_out], y[held_out])


if __name__ == "__main__":
    main()
