"""Lithology classification from resampled well logs (GR, RHOB, NPHI, DT, RT).

Each synthetic well is written to a LAS-like ASCII file, read back, and
stacked into a (well, depth, curve) cube for a small Conv1d + GRU tagger.
"""
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_DIR = os.path.join(HERE, "wells")

CURVES = ["GR", "RHOB", "NPHI", "DT", "RT"]
FACIES = ["shale", "sandstone", "limestone", "dolomite"]
TOP_M, BASE_M, STEP_M = 1500.0, 1800.0, 0.5
N_WELLS = 6
EPOCHS = 3

FACIES_SIGNATURE = {
    0: (110.0, 2.45, 0.32, 95.0, 2.0),
    1: (45.0, 2.30, 0.20, 80.0, 20.0),
    2: (25.0, 2.65, 0.08, 55.0, 150.0),
    3: (20.0, 2.80, 0.05, 48.0, 300.0),
}


def write_las_like(path, depth, logs, facies):
    with open(path, "w") as fh:
        fh.write("~Curve\nDEPT.M\n" + "\n".join(f"{c}." for c in CURVES) + "\nFACIES.\n~A\n")
        for d, row, f in zip(depth, logs, facies):
            fh.write(f"{d:9.2f} " + " ".join(f"{v:10.4f}" for v in row) + f" {f:d}\n")


def make_synthetic_wells(rng):
    os.makedirs(LOG_DIR, exist_ok=True)
    depth = np.arange(TOP_M, BASE_M + STEP_M / 2, STEP_M)
    for w in range(N_WELLS):
        facies = np.zeros(len(depth), dtype=int)
        i = 0
        while i < len(depth):
            bed = int(rng.integers(10, 60))
            facies[i:i + bed] = rng.integers(len(FACIES))
            i += bed
        sig = np.array([FACIES_SIGNATURE[f] for f in facies])
        noise = rng.normal(0, 1, sig.shape) * np.array([6.0, 0.03, 0.02, 3.0, 0.1])
        logs = sig + noise
        logs[:, 4] = sig[:, 4] * np.exp(noise[:, 4])
        write_las_like(os.path.join(LOG_DIR, f"well_{w:02d}.las"), depth, logs, facies)


def read_las_like(path):
    rows = []
    in_data = False
    with open(path) as fh:
        for line in fh:
            if line.startswith("~A"):
                in_data = True
                continue
            if in_data and line.strip():
                rows.append([float(v) for v in line.split()])
    arr = np.asarray(rows)
    return arr[:, 0], arr[:, 1:1 + len(CURVES)], arr[:, -1].astype(int)


def normalise(logs):
    logs = logs.copy()
    logs[..., 4] = np.log10(logs[..., 4])
    mu = logs.reshape(-1, logs.shape[-1]).mean(0)
    sd = logs.reshape(-1, logs.shape[-1]).std(0) + 1e-6
    return (logs - mu) / sd


def load_cube():
    paths = sorted(os.path.join(LOG_DIR, p) for p in os.listdir(LOG_DIR) if p.endswith(".las"))
    all_logs, all_facies = [], []
    for p in paths:
        _, logs, facies = read_las_like(p)
        all_logs.append(logs)
        all_facies.append(facies)
    n_depth = int((BASE_M - TOP_M) / STEP_M)
    logs = torch.tensor(np.concatenate(all_logs), dtype=torch.float32)
    facies = torch.tensor(np.concatenate(all_facies), dtype=torch.long)
    logs = logs.view(len(paths), n_depth, len(CURVES))
    facies = facies.view(len(paths), n_depth)
    return logs, facies


class FaciesTagger(nn.Module):
    def __init__(self, n_curves, n_classes, hidden=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_curves, hidden, 5, padding=2), nn.ReLU(),
            nn.Conv1d(hidden, hidden, 5, padding=2), nn.ReLU(),
        )
        self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)
        h, _ = self.gru(h)
        return self.out(h)


def main():
    rng = np.random.default_rng(3)
    torch.manual_seed(3)
    make_synthetic_wells(rng)
    logs, facies = load_cube()
    logs = torch.tensor(normalise(logs.numpy()), dtype=torch.float32)

    train_idx, test_idx = list(range(N_WELLS - 1)), [N_WELLS - 1]
    model = FaciesTagger(len(CURVES), len(FACIES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        logits = model(logs[train_idx])
        loss = loss_fn(logits.reshape(-1, len(FACIES)), facies[train_idx].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            pred = model(logs[test_idx]).argmax(-1)
        acc = (pred == facies[test_idx]).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} blind-well acc {acc:.3f}")


if __name__ == "__main__":
    main()
