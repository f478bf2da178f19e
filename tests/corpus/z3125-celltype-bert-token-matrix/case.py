"""Fine-tune a tiny BERT over gene-rank tokens to predict annotated cell types."""
import csv
import os
from dataclasses import dataclass

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification

HERE = os.path.dirname(os.path.abspath(__file__))
ANNOT_PATH = os.path.join(HERE, "cell_annotations.csv")

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


@dataclass
class TokenizerSpec:
    n_top_genes: int = 200
    seq_len: int = 48
    pad_token: str = "[PAD]"
    cls_token: str = "[CLS]"


CELL_TYPES = ["CD4 T", "CD8 T", "B", "NK", "CD14 Mono", "FCGR3A Mono", "DC", "Platelet"]


def write_annotation_table(path, n_cells):
    barcodes = [f"AAACCTG{''.join(rng.choice(list('ACGT'), 9))}-1" for _ in range(n_cells)]
    types = rng.choice(CELL_TYPES, size=n_cells, p=[.28, .16, .14, .1, .16, .06, .05, .05])
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["barcode", "cell_type", "sample"])
        for bc, ct in zip(barcodes, types):
            w.writerow([bc, ct, rng.choice(["donorA", "donorB"])])
    return barcodes


def read_annotation_table(path):
    with open(path) as fh:
        return {row["barcode"]: row["cell_type"] for row in csv.DictReader(fh)}


def simulate_expression(cell_labels, n_genes=800):
    programs = {ct: rng.choice(n_genes, 40, replace=False) for ct in CELL_TYPES}
    base = rng.gamma(0.5, 1.0, n_genes)
    X = np.empty((len(cell_labels), n_genes), dtype=np.float32)
    for i, ct in enumerate(cell_labels):
        mu = base.copy()
        mu[programs[ct]] *= 6.0
        X[i] = rng.poisson(mu * rng.lognormal(0, 0.3))
    return X


def highly_variable(X, k):
    logx = np.log1p(X / X.sum(1, keepdims=True) * 1e4)
    return np.argsort(logx.var(0))[::-1][:k]


n_cells = 320
barcodes = write_annotation_table(ANNOT_PATH, n_cells)
annotations = read_annotation_table(ANNOT_PATH)
labels_str = [annotations[bc] for bc in barcodes]
X = simulate_expression(labels_str)

spec = TokenizerSpec()
hvg = highly_variable(X, spec.n_top_genes)
gene_vocab = {spec.pad_token: 0, spec.cls_token: 1}
gene_vocab.update({f"gene_{g}": i + 2 for i, g in enumerate(hvg)})

label2id = {ct: i for i, ct in enumerate(sorted(set(labels_str)))}
id2label = {i: ct for ct, i in label2id.items()}
y = np.array([label2id[ct] for ct in labels_str])


def tokenize_cells(matrix, genes, vocab, seq_len):
    tokens = np.zeros((matrix.shape[0], seq_len))
    sub = matrix[:, genes]
    for i, row in enumerate(sub):
        ranked = np.argsort(-row, kind="stable")
        ranked = ranked[row[ranked] > 0][: seq_len - 1]
        tokens[i, 0] = vocab["[CLS]"]
        tokens[i, 1:1 + len(ranked)] = [vocab[f"gene_{genes[j]}"] for j in ranked]
    return tokens


token_matrix = tokenize_cells(X, hvg, gene_vocab, spec.seq_len)
perm = rng.permutation(n_cells)
train_idx, val_idx = perm[:256], perm[256:]

config = BertConfig(
    vocab_size=len(gene_vocab),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=spec.seq_len,
    num_labels=len(label2id),
    id2label=id2label,
    label2id=label2id,
    pad_token_id=gene_vocab[spec.pad_token],
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)


def batches(indices, batch_size=32):
    for start in range(0, len(indices), batch_size):
        idx = indices[start:start + batch_size]
        ids = torch.from_numpy(token_matrix[idx])
        yield {
            "input_ids": ids,
            "attention_mask": (ids != gene_vocab[spec.pad_token]).long(),
            "labels": torch.from_numpy(y[idx]),
        }


for epoch in range(3):
    model.train()
    total = 0.0
    for batch in batches(rng.permutation(train_idx)):
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item()
    model.eval()
    with torch.no_grad():
        correct = sum(
            (model(**b).logits.argmax(-1) == b["labels"]).sum().item() for b in batches(val_idx)
        )
    print(f"epoch {epoch} train loss {total:.3f} val acc {correct / len(val_idx):.3f}")

os.remove(ANNOT_PATH)
