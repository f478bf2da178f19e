"""Cell-type annotation from scRNA-seq counts with a rank-value gene encoding
(Geneformer-style): each cell becomes the list of its top expressed genes,
a [CLS] embedding is prepended and a small transformer encoder classifies it."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class SCConfig:
    n_genes: int = 500
    n_cells: int = 600
    n_clusters: int = 5
    max_genes: int = 48
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 0


PAD_GENE = 0


def simulate_counts(cfg):
    rng = np.random.default_rng(cfg.seed)
    base = rng.gamma(0.3, 1.0, size=cfg.n_genes)
    programs = np.ones((cfg.n_clusters, cfg.n_genes))
    for c in range(cfg.n_clusters):
        markers = rng.choice(cfg.n_genes, size=25, replace=False)
        programs[c, markers] *= rng.uniform(8, 20, size=25)
    clusters = rng.integers(0, cfg.n_clusters, size=cfg.n_cells)
    lib = rng.lognormal(7.5, 0.4, size=cfg.n_cells)
    mu = base[None, :] * programs[clusters]
    mu = mu / mu.sum(1, keepdims=True) * lib[:, None]
    counts = rng.poisson(mu)
    return counts.astype(np.float32), clusters


def rank_encode(counts, max_genes):
    """Return per-cell gene ids (1-based, 0 is padding) ordered by normalized expression."""
    cp10k = counts / counts.sum(1, keepdims=True) * 1e4
    logx = np.log1p(cp10k)
    gene_median = np.median(np.where(logx > 0, logx, np.nan), axis=0)
    gene_median = np.nan_to_num(gene_median, nan=1.0)
    scaled = logx / gene_median[None, :]
    tokens = []
    for row in scaled:
        nz = np.flatnonzero(row)
        order = nz[np.argsort(-row[nz], kind="stable")][:max_genes]
        tokens.append(order + 1)
    return tokens


class CellTokenDataset(Dataset):
    def __init__(self, gene_tokens, labels):
        self.gene_tokens = gene_tokens
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return torch.as_tensor(self.gene_tokens[idx], dtype=torch.long), int(self.labels[idx])


def make_collate(max_genes):
    def collate(batch):
        ids = torch.full((len(batch), max_genes), PAD_GENE, dtype=torch.long)
        for i, (toks, _) in enumerate(batch):
            ids[i, : len(toks)] = toks
        pad_mask = ids == PAD_GENE
        labels = torch.tensor([y for _, y in batch], dtype=torch.long)
        return ids, pad_mask, labels
    return collate


class CellTypeTransformer(nn.Module):
    def __init__(self, cfg: SCConfig):
        super().__init__()
        self.gene_emb = nn.Embedding(cfg.n_genes + 1, cfg.d_model, padding_idx=PAD_GENE)
        self.rank_emb = nn.Embedding(cfg.max_genes + 1, cfg.d_model)
        self.cls_token = nn.Parameter(torch.randn(1, 1, cfg.d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.n_clusters)

    def forward(self, gene_ids, pad_mask):
        bsz, seq_len = gene_ids.shape
        ranks = torch.arange(seq_len, device=gene_ids.device).unsqueeze(0).expand(bsz, -1)
        x = self.gene_emb(gene_ids) + self.rank_emb(ranks)
        cls = self.cls_token.expand(bsz, -1, -1)
        x = torch.cat([cls, x], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(self.norm(h[:, 0]))


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    tot_loss, correct, n = 0.0, 0, 0
    for gene_ids, pad_mask, labels in loader:
        with torch.set_grad_enabled(training):
            logits = model(gene_ids, pad_mask)
            loss = F.cross_entropy(logits, labels)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot_loss += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        n += len(labels)
    return tot_loss / n, correct / n


def main():
    cfg = SCConfig()
    torch.manual_seed(cfg.seed)
    counts, clusters = simulate_counts(cfg)
    tokens = rank_encode(counts, cfg.max_genes)

    perm = np.random.default_rng(cfg.seed).permutation(cfg.n_cells)
    n_train = int(0.8 * cfg.n_cells)
    tr, va = perm[:n_train], perm[n_train:]
    collate = make_collate(cfg.max_genes)
    train_dl = DataLoader(CellTokenDataset([tokens[i] for i in tr], clusters[tr]),
                          batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(CellTokenDataset([tokens[i] for i in va], clusters[va]),
                        batch_size=cfg.batch_size, collate_fn=collate)

    model = CellTypeTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.3f}  val {va_loss:.3f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
