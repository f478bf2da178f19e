#!/usr/bin/env python
"""Predict treatment condition from a bulk RNA-seq featureCounts matrix.

Reads counts.txt (featureCounts output, one column per BAM) and samples.csv
(sample sheet), normalises to logCPM, keeps the most variable genes and fits a
small MLP with a held-out split stratified by sequencing batch.
"""
import argparse
import csv
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

HERE = os.path.dirname(os.path.abspath(__file__))
CONDITIONS = ["ctrl", "tgfb", "tnfa"]


def write_demo_inputs(counts_path, sheet_path, n_genes=2000, n_samples=36, seed=3):
    rng = np.random.default_rng(seed)
    base = rng.gamma(0.8, 60.0, size=n_genes)
    effects = {c: np.exp(rng.normal(0, 0.6, size=n_genes) * (rng.random(n_genes) < 0.08))
               for c in CONDITIONS}
    samples = []
    for j in range(n_samples):
        cond = CONDITIONS[j % len(CONDITIONS)]
        samples.append((f"S{j + 1:02d}_{cond}", cond, f"run{j // 12 + 1}"))
    with open(counts_path, "w") as fh:
        fh.write("# Program:featureCounts v2.0.3; Command:\"featureCounts\" \"-p\" \"-a\" \"gencode.v44.gtf\"\n")
        header = ["Geneid", "Chr", "Start", "End", "Strand", "Length"]
        header += [f"aligned/{s}.bam" for s, _, _ in samples]
        fh.write("\t".join(header) + "\n")
        mat = np.stack([rng.negative_binomial(5, 5 / (5 + base * effects[c] * rng.uniform(0.7, 1.3)))
                        for _, c, _ in samples], axis=1)
        for g in range(n_genes):
            start = int(rng.integers(1e4, 1e8))
            row = [f"ENSG{g:011d}", f"chr{g % 22 + 1}", str(start), str(start + 3000), "+", "3000"]
            fh.write("\t".join(row + [str(v) for v in mat[g]]) + "\n")
    with open(sheet_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sample_id", "condition", "seq_batch"])
        w.writerows(samples)


def read_featurecounts(path):
    with open(path) as fh:
        lines = [ln.rstrip("\n") for ln in fh if not ln.startswith("#")]
    header = lines[0].split("\t")
    bam_cols = header[6:]
    sample_ids = [os.path.basename(col).removesuffix(".bam") for col in bam_cols]
    genes, rows = [], []
    for ln in lines[1:]:
        parts = ln.split("\t")
        genes.append(parts[0])
        rows.append([int(v) for v in parts[6:]])
    return genes, sample_ids, np.asarray(rows, dtype=np.float64)


def read_sample_sheet(path):
    with open(path, newline="") as fh:
        return {row["sample_id"]: row for row in csv.DictReader(fh)}


def log_cpm(counts):
    lib = counts.sum(axis=0, keepdims=True)
    return np.log2(counts / lib * 1e6 + 1.0)


def top_variable(expr, n_top):
    keep = np.argsort(-expr.var(axis=1))[:n_top]
    return expr[keep]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--counts", default=os.path.join(HERE, "counts.txt"))
    p.add_argument("--samples", default=os.path.join(HERE, "samples.csv"))
    p.add_argument("--n-hvg", type=int, default=500)
    p.add_argument("--holdout-batch", default="run3")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--lr", type=float, default=1e-3)
    return p.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(0)
    write_demo_inputs(args.counts, args.samples)

    genes, sample_ids, counts = read_featurecounts(args.counts)
    sheet = read_sample_sheet(args.samples)
    print(f"{len(genes)} genes x {len(sample_ids)} samples")

    conditions = [sheet[s]["condition"] for s in sample_ids]
    batches = [sheet[s]["seq_batch"] for s in sample_ids]
    y = np.array([CONDITIONS.index(c) for c in conditions])

    expr = top_variable(log_cpm(counts), args.n_hvg)
    X = (expr - expr.mean(axis=1, keepdims=True)) / (expr.std(axis=1, keepdims=True) + 1e-8)
    X = X.T.astype(np.float32)

    test = np.array([b == args.holdout_batch for b in batches])
    train_dl = DataLoader(TensorDataset(torch.from_numpy(X[~test]), torch.from_numpy(y[~test])),
                          batch_size=8, shuffle=True)
    X_te, y_te = torch.from_numpy(X[test]), torch.from_numpy(y[test])

    model = nn.Sequential(nn.Linear(args.n_hvg, 64), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(64, len(CONDITIONS)))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        if (epoch + 1) % 20 == 0:
            model.eval()
            with torch.no_grad():
                acc = (model(X_te).argmax(1) == y_te).float().mean().item()
            print(f"epoch {epoch + 1}: train loss {loss.item():.3f}  {args.holdout_batch} acc {acc:.3f}")


if __name__ == "__main__":
    main()
