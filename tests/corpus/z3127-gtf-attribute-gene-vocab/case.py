"""Build a protein-coding gene-token vocabulary from a GTF and embed cells with a tiny encoder.

Columns of the count matrix are Ensembl gene ids; the GTF supplies symbols and biotypes.
"""
import os
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
GTF_PATH = os.path.join(HERE, "genes_subset.gtf")
N_GENES, N_CELLS, TOP_HVG, CTX = 400, 150, 120, 32

rng = np.random.default_rng(99)
torch.manual_seed(99)

BIOTYPES = ["protein_coding"] * 7 + ["lncRNA", "processed_pseudogene", "miRNA"]


def write_gtf(path, n_genes):
    ids = []
    with open(path, "w") as fh:
        fh.write("#!genome-build GRCh38.p14\n#!genome-version GRCh38\n")
        for i in range(n_genes):
            gid = f"ENSG{100000 + i * 7:011d}"
            chrom = f"chr{rng.integers(1, 23)}"
            start = int(rng.integers(1e5, 2e8))
            end = start + int(rng.integers(500, 80000))
            strand = "+-"[i % 2]
            btype = BIOTYPES[rng.integers(len(BIOTYPES))]
            attrs = (f'gene_id "{gid}.{rng.integers(1, 20)}"; gene_type "{btype}"; '
                     f'gene_name "GENE{i}"; level 2;')
            fh.write("\t".join([chrom, "HAVANA", "gene", str(start), str(end), ".",
                                strand, ".", attrs]) + "\n")
            ids.append(gid)
    return ids


def gtf_records(path, feature="gene"):
    with open(path) as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[2] != feature:
                continue
            attrs = {}
            for item in fields[8].split(";"):
                key, value = item.strip().split(" ", 1)
                attrs[key] = value.strip('"')
            yield fields[0], int(fields[3]), int(fields[4]), attrs


def make_id_normaliser(strip_version=True):
    def norm(gid):
        return gid.split(".")[0] if strip_version else gid
    return norm


ensembl_ids = write_gtf(GTF_PATH, N_GENES)
counts = rng.negative_binomial(2, 0.3, size=(N_CELLS, N_GENES)).astype(np.float32)
counts *= rng.random((N_CELLS, N_GENES)) > 0.6

norm_id = make_id_normaliser()
gene_info = {norm_id(a["gene_id"]): (a["gene_name"], a["gene_type"])
             for _, _, _, a in gtf_records(GTF_PATH)}
print(Counter(t for _, t in gene_info.values()))

keep = np.array([gene_info[g][1] == "protein_coding" for g in ensembl_ids])
X = counts[:, keep]
symbols = np.array([gene_info[g][0] for g, k in zip(ensembl_ids, keep) if k])

lognorm = np.log1p(X / X.sum(1, keepdims=True).clip(min=1) * 1e4)
mu, var = lognorm.mean(0), lognorm.var(0)
hvg = np.argsort(-(var / (mu + 1e-8)))[:TOP_HVG]
vocab = {"<pad>": 0, "<cls>": 1, **{symbols[j]: i + 2 for i, j in enumerate(hvg)}}


def cell_tokens(row):
    expr = row[hvg]
    order = [j for j in np.argsort(-expr) if expr[j] > 0][: CTX - 1]
    toks = [vocab["<cls>"]] + [vocab[symbols[hvg[j]]] for j in order]
    return toks + [vocab["<pad>"]] * (CTX - len(toks))


tokens = torch.tensor([cell_tokens(r) for r in lognorm], dtype=torch.long)


class CellEmbedder(nn.Module):
    def __init__(self, n_tok, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_tok, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, 2, 64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 1)

    def forward(self, ids):
        h = self.enc(self.emb(ids), src_key_padding_mask=ids.eq(0))
        return h[:, 0]


model = CellEmbedder(len(vocab)).eval()
with torch.no_grad():
    cell_emb = model(tokens)
sims = torch.nn.functional.cosine_similarity(cell_emb[:, None], cell_emb[None], dim=-1)
print("cell embeddings", tuple(cell_emb.shape), "mean pairwise cos", round(sims.mean().item(), 3))
os.remove(GTF_PATH)
