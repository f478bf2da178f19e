"""Genus-level classification of 16S rRNA V4 amplicon reads with a 1D CNN.

Reads are quality-trimmed to a fixed 150 bp, one-hot encoded (N -> all zeros)
and classified into a handful of genera. Synthetic reads: each genus gets a
random "reference" V4 fragment and reads are noisy copies of it.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

GENERA = ["Bacteroides", "Faecalibacterium", "Escherichia", "Lactobacillus", "Akkermansia"]
READ_LEN = 150
BATCH_SIZE = 32
NUC_CHANNEL = {"A": 0, "C": 1, "G": 2, "T": 3}

random.seed(21)
torch.manual_seed(21)


def make_reference(length):
    return "".join(random.choice("ACGT") for _ in range(length))


def sequence_read(reference, err_rate=0.03, n_rate=0.005):
    out = []
    for base in reference:
        r = random.random()
        if r < n_rate:
            out.append("N")
        elif r < n_rate + err_rate:
            out.append(random.choice([b for b in "ACGT" if b != base]))
        else:
            out.append(base)
    return "".join(out)


def one_hot_read(read):
    x = torch.zeros(4, READ_LEN)
    for i, base in enumerate(read[:READ_LEN]):
        ch = NUC_CHANNEL.get(base)
        if ch is not None:
            x[ch, i] = 1.0
    return x


class AmpliconReads(torch.utils.data.Dataset):
    def __init__(self, reads, genus_ids):
        self.x = torch.stack([one_hot_read(r) for r in reads])
        self.y = torch.tensor(genus_ids, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


class GenusCNN(nn.Module):
    def __init__(self, n_genera, read_len=READ_LEN, n_filters=64):
        super().__init__()
        self.conv1 = nn.Conv1d(4, n_filters, kernel_size=9, padding=4)
        self.conv2 = nn.Conv1d(n_filters, n_filters, kernel_size=7, padding=3)
        self.pool = nn.MaxPool1d(4)
        pooled_len = (read_len // 4) // 4
        self.flat_dim = n_filters * pooled_len
        self.fc = nn.Linear(self.flat_dim, 128)
        self.out = nn.Linear(128, n_genera)
        self.drop = nn.Dropout(0.2)

    def forward(self, onehot):
        h = self.pool(F.relu(self.conv1(onehot)))
        h = self.pool(F.relu(self.conv2(h)))
        h = h.view(BATCH_SIZE, self.flat_dim)
        h = self.drop(F.relu(self.fc(h)))
        return self.out(h)


def build_split(references, reads_per_genus):
    reads, labels = [], []
    for gid, ref in enumerate(references):
        for _ in range(reads_per_genus):
            reads.append(sequence_read(ref))
            labels.append(gid)
    return AmpliconReads(reads, labels)


def evaluate(model, loader):
    model.eval()
    correct = seen = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            seen += len(y)
    return correct / seen


def main():
    references = [make_reference(READ_LEN) for _ in GENERA]
    train_set = build_split(references, reads_per_genus=8)
    val_set = build_split(references, reads_per_genus=2)

    train_loader = torch.utils.data.DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=BATCH_SIZE)

    model = GenusCNN(n_genera=len(GENERA))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(1):
        model.train()
        epoch_loss = 0.0
        for batch_idx, (x, y) in enumerate(train_loader):
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss {epoch_loss / (batch_idx + 1):.3f}  val genus acc {acc:.3f}")


if __name__ == "__main__":
    main()
