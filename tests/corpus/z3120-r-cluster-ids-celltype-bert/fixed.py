"""Cell-type classifier on rank-value gene tokens (Geneformer-style), toy PBMC data.

Annotation table comes from the R side of the pipeline (Seurat clustering +
manual annotation), exported as a plain CSV next to this script.
"""
import csv
import os

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification

HERE = os.path.dirname(os.path.abspath(__file__))
ANNOT_CSV = os.path.join(HERE, "pbmc_annotation.csv")

SEED = 7
N_CELLS = 480
N_GENES = 300
MAX_TOKENS = 48
SPECIAL = ["<pad>", "<cls>", "<mask>"]

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

CLUSTER_NAMES = {
    1: "CD4 T", 2: "CD8 T", 3: "NK", 4: "B",
    5: "CD14 Mono", 6: "FCGR3A Mono", 7: "DC", 8: "Platelet",
}


def simulate_counts():
    genes = [f"ENSG{100000 + i:08d}" for i in range(N_GENES)]
    cluster_of_cell = rng.integers(1, len(CLUSTER_NAMES) + 1, size=N_CELLS)
    programs = rng.gamma(0.6, 1.0, size=(len(CLUSTER_NAMES) + 1, N_GENES))
    lib = rng.lognormal(7.5, 0.3, size=N_CELLS)
    mu = programs[cluster_of_cell] / programs[cluster_of_cell].sum(1, keepdims=True)
    counts = rng.poisson(mu * lib[:, None]).astype(np.float32)
    barcodes = [f"AAACCTG{i:05d}-1" for i in range(N_CELLS)]
    return counts, genes, barcodes, cluster_of_cell


def export_annotation(barcodes, clusters):
    # what write.csv(seurat@meta.data[, c("seurat_clusters", "cell_type")]) gives us
    with open(ANNOT_CSV, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["barcode", "seurat_clusters", "cell_type", "nCount_RNA"])
        for bc, cl in zip(barcodes, clusters):
            w.writerow([bc, int(cl), CLUSTER_NAMES[int(cl)], int(rng.integers(800, 9000))])


def read_annotation(path):
    table = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            table[row["barcode"]] = row
    return table


def rank_value_tokens(counts, gene_vocab, gene_names):
    norm = counts / counts.sum(1, keepdims=True) * 1e4
    gene_median = np.median(np.where(norm > 0, norm, np.nan), axis=0)
    gene_median = np.nan_to_num(gene_median, nan=1.0)
    scaled = norm / gene_median
    token_rows = []
    for cell in scaled:
        nz = np.flatnonzero(cell)
        order = nz[np.argsort(-cell[nz], kind="stable")][: MAX_TOKENS - 1]
        ids = [gene_vocab["<cls>"]] + [gene_vocab[gene_names[g]] for g in order]
        ids += [gene_vocab["<pad>"]] * (MAX_TOKENS - len(ids))
        token_rows.append(ids)
    return np.asarray(token_rows, dtype=np.int64)


class CellTokenDataset(Dataset):
    def __init__(self, input_ids, labels, pad_id):
        self.input_ids = torch.from_numpy(input_ids)
        self.labels = torch.as_tensor(labels, dtype=torch.long)
        self.pad_id = pad_id

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        ids = self.input_ids[i]
        return {
            "input_ids": ids,
            "attention_mask": (ids != self.pad_id).long(),
            "labels": self.labels[i],
        }


def main():
    counts, genes, barcodes, clusters = simulate_counts()
    export_annotation(barcodes, clusters)
    annot = read_annotation(ANNOT_CSV)

    gene_vocab = {tok: i for i, tok in enumerate(SPECIAL)}
    for g in genes:
        gene_vocab[g] = len(gene_vocab)

    input_ids = rank_value_tokens(counts, gene_vocab, genes)

    cluster_labels = [int(annot[bc]["seurat_clusters"]) - 1 for bc in barcodes]
    n_clusters = len({annot[bc]["cell_type"] for bc in barcodes})
    print(f"{len(barcodes)} cells, {n_clusters} annotated cell types, vocab {len(gene_vocab)}")

    perm = rng.permutation(N_CELLS)
    n_train = int(0.8 * N_CELLS)
    tr, te = perm[:n_train], perm[n_train:]
    labels = np.asarray(cluster_labels)
    train_ds = CellTokenDataset(input_ids[tr], labels[tr], gene_vocab["<pad>"])
    test_ds = CellTokenDataset(input_ids[te], labels[te], gene_vocab["<pad>"])

    config = BertConfig(
        vocab_size=len(gene_vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        num_labels=n_clusters,
        pad_token_id=gene_vocab["<pad>"],
    )
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    for epoch in range(2):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            running += out.loss.item()
        print(f"epoch {epoch}: train loss {running / (step + 1):.4f}")

    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in DataLoader(test_ds, batch_size=64):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
    print(f"held-out accuracy: {correct / len(test_ds):.3f}")


if __name__ == "__main__":
    main()
