"""DeepBind-style CNN for TF binding (bound vs. unbound ChIP-seq windows).

Peaks are written to a small FASTA-like TSV, one-hot encoded as (4, L) with
channels in A, C, G, T order, and every training batch is doubled with the
reverse-complement strand so the filters learn strand-symmetric motifs.
"""
import csv
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(5)
torch.manual_seed(5)

WINDOW = 101
BASES = "ACGT"
MOTIF = "TGACTCA"  # AP-1 consensus


def write_peaks(path, n):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["peak_id", "sequence", "bound"])
        for i in range(n):
            seq = [random.choice(BASES) for _ in range(WINDOW)]
            bound = i % 2
            if bound:
                at = random.randint(0, WINDOW - len(MOTIF))
                seq[at:at + len(MOTIF)] = MOTIF
            w.writerow([f"peak_{i:04d}", "".join(seq), bound])


class PeakWindows(Dataset):
    def __init__(self, tsv):
        with open(tsv) as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        self.seqs = [r["sequence"] for r in rows]
        self.bound = [int(r["bound"]) for r in rows]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, i):
        idx = torch.tensor([BASES.index(b) for b in self.seqs[i]])
        onehot = F.one_hot(idx, num_classes=4).T.float()
        return onehot, torch.tensor(self.bound[i], dtype=torch.float32)


def reverse_complement(onehot):
    # A<->T and C<->G is a flip of the ACGT channel axis; the strand is a flip of length
    return torch.flip(onehot, dims=(1, 2))


def with_both_strands(batch):
    x = torch.stack([b[0] for b in batch])
    y = torch.stack([b[1] for b in batch])
    return torch.cat([x, reverse_complement(x)]), torch.cat([y, y])


class BindingCNN(nn.Module):
    def __init__(self, n_filters=16, width=11):
        super().__init__()
        self.conv = nn.Conv1d(4, n_filters, kernel_size=width, padding=width // 2)
        self.fc = nn.Sequential(nn.Linear(n_filters, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        h = F.relu(self.conv(x))
        h = h.max(dim=-1).values
        return self.fc(h).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, correct, seen = 0.0, 0, 0
    for x, y in loader:
        with torch.set_grad_enabled(training):
            logit = model(x)
            loss = F.binary_cross_entropy_with_logits(logit, y)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item() * len(y)
        correct += ((logit > 0).float() == y).sum().item()
        seen += len(y)
    return total / seen, correct / seen


def main():
    tmp = tempfile.mkdtemp(prefix="chip_")
    train_tsv, test_tsv = os.path.join(tmp, "train.tsv"), os.path.join(tmp, "test.tsv")
    write_peaks(train_tsv, 400)
    write_peaks(test_tsv, 100)

    train_dl = DataLoader(PeakWindows(train_tsv), batch_size=32, shuffle=True,
                          collate_fn=with_both_strands)
    test_dl = DataLoader(PeakWindows(test_tsv), batch_size=50, collate_fn=with_both_strands)

    model = BindingCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(5):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        te_loss, te_acc = run_epoch(model, test_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.3f}  test {te_loss:.3f}/{te_acc:.3f}")


if __name__ == "__main__":
    main()
