"""Subcellular localisation from amino-acid sequences.

Small CNN encoder over residues, attention pooling over the valid residues,
then a linear head over 5 compartments. Sequences are synthetic; a sequence's
compartment is planted as a short motif near its N-terminus.
"""
import argparse
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

AMINO = "ACDEFGHIKLMNPQRSTVWY"
PAD, UNK = 0, 1
AA2ID = {a: i + 2 for i, a in enumerate(AMINO)}
COMPARTMENTS = ["cytoplasm", "nucleus", "mitochondrion", "secreted", "membrane"]
MOTIFS = ["PKKKRKV", "MLSRAVR", "MKWVTFL", "LLLLVVA", "GGSGGSA"]


def synth_proteins(n, rng):
    seqs, labels = [], []
    for _ in range(n):
        label = rng.randrange(len(COMPARTMENTS))
        length = rng.randint(40, 120)
        body = "".join(rng.choice(AMINO) for _ in range(length))
        pos = rng.randint(0, 10)
        seqs.append(body[:pos] + MOTIFS[label] + body[pos:])
        labels.append(label)
    return seqs, labels


class ProteinSet(Dataset):
    def __init__(self, seqs, labels):
        self.seqs = seqs
        self.labels = labels

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, i):
        ids = [AA2ID.get(a, UNK) for a in self.seqs[i]]
        return torch.tensor(ids), self.labels[i]


def pad_proteins(batch):
    max_len = max(len(ids) for ids, _ in batch)
    tokens = torch.full((len(batch), max_len), PAD, dtype=torch.long)
    residue_mask = torch.zeros(len(batch), max_len)
    for row, (ids, _) in enumerate(batch):
        tokens[row, : len(ids)] = ids
        residue_mask[row, : len(ids)] = 1
    labels = torch.tensor([y for _, y in batch])
    return tokens, residue_mask, labels


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, residue_mask):
        scores = self.score(h).squeeze(-1)
        scores = scores.masked_fill(~residue_mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return torch.einsum("bl,bld->bd", weights, h)


class LocNet(nn.Module):
    def __init__(self, n_classes, emb_dim=24, channels=48):
        super().__init__()
        self.embed = nn.Embedding(len(AA2ID) + 2, emb_dim, padding_idx=PAD)
        self.conv1 = nn.Conv1d(emb_dim, channels, kernel_size=7, padding=3)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=5, padding=2)
        self.pool = AttentionPool(channels)
        self.head = nn.Linear(channels, n_classes)

    def forward(self, tokens, residue_mask):
        x = self.embed(tokens).transpose(1, 2)
        x = F.gelu(self.conv1(x))
        x = F.gelu(self.conv2(x)).transpose(1, 2)
        return self.head(self.pool(x, residue_mask))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-train", type=int, default=120)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args()

    rng = random.Random(7)
    torch.manual_seed(7)
    seqs, labels = synth_proteins(args.n_train, rng)
    split = int(0.8 * len(seqs))
    train_dl = DataLoader(ProteinSet(seqs[:split], labels[:split]), batch_size=args.batch_size,
                          shuffle=True, collate_fn=pad_proteins)
    val_dl = DataLoader(ProteinSet(seqs[split:], labels[split:]), batch_size=64, collate_fn=pad_proteins)

    model = LocNet(len(COMPARTMENTS))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for tokens, residue_mask, y in train_dl:
            loss = F.cross_entropy(model(tokens, residue_mask), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * y.numel()
        model.eval()
        correct = n = 0
        with torch.no_grad():
            for tokens, residue_mask, y in val_dl:
                correct += (model(tokens, residue_mask).argmax(-1) == y).sum().item()
                n += y.numel()
        print(f"epoch {epoch}  train loss {total / split:.3f}  val acc {correct / n:.3f}")


if __name__ == "__main__":
    main()
