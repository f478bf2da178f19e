"""Per-base annotation of short genomic windows (exon / intron / UTR / ...).

A small BiLSTM tagger reads nucleotide ids and predicts a region
label for every base of a fixed-length window.
"""
import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

REGIONS = ["intergenic", "promoter", "utr5", "exon", "splice_donor", "intron",
           "splice_acceptor", "utr3"]
NUCLEOTIDES = "ACGTN"


def parse_args():
    p = argparse.ArgumentParser(description="train a per-base region tagger")
    p.add_argument("--n-windows", type=int, default=112)
    p.add_argument("--seq-len", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--embed-dim", type=int, default=16)
    p.add_argument("--hidden", type=int, default=24)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-3)
    return p.parse_args([])


def simulate_windows(n, seq_len, seed=0):
    """Random walk over region labels; base composition depends on the region."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.zeros(n, seq_len, dtype=torch.long)
    bases = torch.zeros(n, seq_len, dtype=torch.long)
    gc_bias = torch.linspace(0.2, 0.8, len(REGIONS))
    for i in range(n):
        region = int(torch.randint(len(REGIONS), (1,), generator=g))
        for j in range(seq_len):
            if torch.rand(1, generator=g).item() < 0.15:
                region = (region + 1) % len(REGIONS)
            labels[i, j] = region
            gc = torch.rand(1, generator=g).item() < gc_bias[region]
            pick = int(torch.randint(2, (1,), generator=g))
            bases[i, j] = (1 if pick else 2) if gc else (0 if pick else 3)
    return bases, labels


class RegionTagger(nn.Module):
    def __init__(self, embed_dim, hidden, n_tags):
        super().__init__()
        self.embed = nn.Embedding(len(NUCLEOTIDES), embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, bases):
        out, _ = self.lstm(self.embed(bases))
        return self.proj(out)


def run_epoch(model, loader, optimizer, criterion, args):
    model.train()
    total, steps = 0.0, 0
    for bases, tags in loader:
        optimizer.zero_grad()
        logits = model(bases)
        flat_logits = logits.reshape(args.batch_size * args.seq_len, -1)
        loss = criterion(flat_logits, tags.reshape(-1))
        loss.backward()
        optimizer.step()
        total += loss.item()
        steps += 1
    return total / steps


def main():
    args = parse_args()
    torch.manual_seed(3)
    bases, tags = simulate_windows(args.n_windows, args.seq_len)
    loader = DataLoader(TensorDataset(bases, tags), batch_size=args.batch_size, shuffle=True)

    model = RegionTagger(args.embed_dim, args.hidden, len(REGIONS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(args.epochs):
        loss = run_epoch(model, loader, optimizer, criterion, args)
        print(f"epoch {epoch}: loss {loss:.4f}")

    with torch.no_grad():
        pred = model(bases[:4]).argmax(-1)
    acc = (pred == tags[:4]).float().mean().item()
    print(f"per-base accuracy on 4 windows: {acc:.3f}")


if __name__ == "__main__":
    main()
