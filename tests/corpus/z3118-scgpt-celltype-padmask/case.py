import csv
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2024)
torch.manual_seed(2024)

CELL_TYPES = ["CD4 T", "CD8 T", "B", "NK", "CD14 Mono"]
N_CELLS, N_GENES, N_HVG = 200, 500, 128
N_BINS = 8
PAD_TOKEN = 0


def write_annotation_table(path, barcodes, types):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["barcode", "cell_type", "donor"])
        for bc, t in zip(barcodes, types):
            w.writerow([bc, t, f"D{rng.integers(1, 4)}"])


def read_annotation_table(path):
    with open(path) as fh:
        return {row["barcode"]: row["cell_type"] for row in csv.DictReader(fh, delimiter="\t")}


def simulate():
    barcodes = [f"AAAC{i:06d}-1" for i in range(N_CELLS)]
    true_types = rng.choice(CELL_TYPES, size=N_CELLS)
    markers = {t: rng.choice(N_GENES, 15, replace=False) for t in CELL_TYPES}
    base = rng.gamma(0.3, 1.0, size=N_GENES)
    X = np.empty((N_CELLS, N_GENES), dtype=np.float32)
    for i, t in enumerate(true_types):
        mu = base.copy()
        mu[markers[t]] += 4.0
        X[i] = rng.poisson(mu)
    return X, barcodes, true_types


def hvg_by_dispersion(X, n_top):
    lx = np.log1p(X / X.sum(1, keepdims=True) * 1e4)
    m, v = lx.mean(0), lx.var(0)
    return lx, np.argsort(v / (m + 1e-8))[::-1][:n_top]


def bin_expression(row, n_bins):
    nz = row > 0
    binned = np.zeros_like(row, dtype=np.int64)
    if nz.any():
        edges = np.quantile(row[nz], np.linspace(0, 1, n_bins))
        binned[nz] = np.digitize(row[nz], edges[1:-1]) + 1
    return binned


@dataclass
class CellRecord:
    genes: np.ndarray
    values: np.ndarray
    label: int


class CellDataset(Dataset):
    def __init__(self, lx_hvg, labels):
        self.records = []
        for row, y in zip(lx_hvg, labels):
            keep = np.flatnonzero(row)
            self.records.append(CellRecord(keep + 1, bin_expression(row, N_BINS)[keep], y))

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        return self.records[i]


def collate_cells(records):
    L = max(len(r.genes) for r in records)
    genes = np.full((len(records), L), PAD_TOKEN, dtype=np.int64)
    values = np.zeros((len(records), L), dtype=np.int64)
    padding = np.ones((len(records), L), dtype=np.uint8)
    for i, r in enumerate(records):
        n = len(r.genes)
        genes[i, :n] = r.genes
        values[i, :n] = r.values
        padding[i, :n] = 0
    return {
        "genes": torch.from_numpy(genes),
        "values": torch.from_numpy(values),
        "padding": torch.from_numpy(padding),
        "label": torch.tensor([r.label for r in records]),
    }


class CellTypeTransformer(nn.Module):
    def __init__(self, n_genes, n_bins, n_classes, d=32):
        super().__init__()
        self.gene_emb = nn.Embedding(n_genes + 1, d, padding_idx=PAD_TOKEN)
        self.value_emb = nn.Embedding(n_bins + 1, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=64, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(d, n_classes)

    def forward(self, genes, values, padding):
        h = self.gene_emb(genes) + self.value_emb(values)
        h = self.encoder(h, src_key_padding_mask=padding)
        keep = (~padding.bool()).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.head(pooled)


def main():
    X, barcodes, true_types = simulate()
    ann_path = os.path.join(HERE, "cell_annotations.tsv")
    write_annotation_table(ann_path, barcodes, true_types)
    annotations = read_annotation_table(ann_path)

    type_to_id = {t: i for i, t in enumerate(sorted(set(annotations.values())))}
    labels = np.array([type_to_id[annotations[bc]] for bc in barcodes])
    print("label map:", type_to_id)

    lx, hvg = hvg_by_dispersion(X, N_HVG)
    ds = CellDataset(lx[:, hvg], labels)
    n_train = int(0.8 * len(ds))
    train_ds, val_ds = torch.utils.data.random_split(ds, [n_train, len(ds) - n_train],
                                                     generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate_cells)
    val_dl = DataLoader(val_ds, batch_size=64, collate_fn=collate_cells)

    model = CellTypeTransformer(N_HVG, N_BINS, len(type_to_id))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(3):
        model.train()
        for b in train_dl:
            logits = model(b["genes"], b["values"], b["padding"])
            loss = F.cross_entropy(logits, b["label"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            preds, ys = zip(*[(model(b["genes"], b["values"], b["padding"]).argmax(1), b["label"]) for b in val_dl])
        acc = (torch.cat(preds) == torch.cat(ys)).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.3f} val acc {acc:.3f}")


if __name__ == "__main__":
    main()
