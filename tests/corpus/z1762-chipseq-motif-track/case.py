"""CTCF-like binding classifier on 120 bp ChIP-seq peak windows.

A one-layer convolutional scanner is trained on bound vs. unbound windows,
then its strongest filter response is exported as a per-base track
(bedGraph-style rows) for the top-scoring peaks.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

WINDOW_BP = 120
MOTIF = "CCGCGNGGNGGCAG"
FILTER_WIDTH = len(MOTIF)
N_FILTERS = 16
BASE_INDEX = {"A": 0, "C": 1, "G": 2, "T": 3}


def sample_window(bound):
    bases = [random.choice("ACGT") for _ in range(WINDOW_BP)]
    if bound:
        start = random.randint(0, WINDOW_BP - FILTER_WIDTH)
        for off, b in enumerate(MOTIF):
            bases[start + off] = random.choice("ACGT") if b == "N" else b
    return "".join(bases)


def one_hot(seq):
    mat = torch.zeros(4, len(seq))
    for pos, base in enumerate(seq):
        mat[BASE_INDEX[base], pos] = 1.0
    return mat


class MotifScanner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, N_FILTERS, kernel_size=FILTER_WIDTH)
        self.classifier = nn.Linear(N_FILTERS, 1)

    def activations(self, onehot):
        return F.relu(self.conv(onehot))

    def forward(self, onehot):
        act = self.activations(onehot)
        pooled = act.max(dim=-1).values
        return self.classifier(pooled).squeeze(-1)


def make_split(n):
    labels = [i % 2 for i in range(n)]
    random.shuffle(labels)
    seqs = [sample_window(bool(y)) for y in labels]
    x = torch.stack([one_hot(s) for s in seqs])
    return seqs, x, torch.tensor(labels, dtype=torch.float)


def fit(model, x, y, epochs=3, lr=1e-2):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        perm = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            idx = perm[i:i + 32]
            loss = F.binary_cross_entropy_with_logits(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1}: loss {loss.item():.4f}")


def best_filter(model, x_bound):
    with torch.no_grad():
        act = model.activations(x_bound)
    return int(act.max(dim=-1).values.mean(dim=0).argmax())


def export_track(model, peak_name, onehot, filt, fh):
    with torch.no_grad():
        act = model.activations(onehot.unsqueeze(0))[0, filt]
    for pos in range(onehot.shape[-1]):
        fh.write(f"{peak_name}\t{pos}\t{pos + 1}\t{act[pos].item():.4f}\n")


def main():
    train_seqs, x_train, y_train = make_split(64)
    _, x_test, y_test = make_split(16)

    model = MotifScanner()
    fit(model, x_train, y_train)

    with torch.no_grad():
        probs = torch.sigmoid(model(x_test))
    acc = ((probs > 0.5).float() == y_test).float().mean().item()
    print(f"test accuracy {acc:.3f}")

    filt = best_filter(model, x_train[y_train == 1])
    print(f"most informative filter: {filt}")

    out_dir = tempfile.mkdtemp(prefix="chip_tracks_")
    track_path = os.path.join(out_dir, "top_peaks.bedGraph")
    top = probs.argsort(descending=True)[:5]
    with open(track_path, "w") as fh:
        fh.write('track type=bedGraph name="filter_response"\n')
        for rank, i in enumerate(top.tolist()):
            export_track(model, f"peak_{rank}", x_test[i], filt, fh)
    with open(track_path) as fh:
        n_rows = sum(1 for _ in fh) - 1
    print(f"wrote {n_rows} track rows to {track_path}")


if __name__ == "__main__":
    main()
