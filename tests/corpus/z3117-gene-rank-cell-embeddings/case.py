import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM

SEED = 11
N_CELLS, N_GENES = 160, 800
N_HVG = 300
CONTEXT = 64
PAD_ID, CLS_ID, MASK_ID = 0, 1, 2
N_SPECIAL = 3
MASK_PROB = 0.15

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def simulate_counts(n_cells, n_genes):
    programs = rng.gamma(0.6, 1.0, size=(4, n_genes))
    cell_type = rng.integers(0, 4, size=n_cells)
    depth = rng.lognormal(mean=7.5, sigma=0.3, size=n_cells)
    mu = programs[cell_type] / programs[cell_type].sum(1, keepdims=True) * depth[:, None]
    counts = rng.poisson(mu).astype(np.float32)
    gene_names = np.array([f"GENE{i:04d}" for i in range(n_genes)])
    return counts, gene_names, cell_type


def normalize_log1p(counts, target_sum=1e4):
    lib = counts.sum(axis=1, keepdims=True)
    return np.log1p(counts / np.maximum(lib, 1) * target_sum)


def select_hvg(logx, n_top):
    mean = logx.mean(0)
    var = logx.var(0)
    disp = var / np.maximum(mean, 1e-6)
    disp[mean < 0.05] = -np.inf
    return np.sort(np.argsort(disp)[::-1][:n_top])


def rank_tokens(row, gene_to_token, max_len=None):
    nz = np.flatnonzero(row)
    order = nz[np.argsort(-row[nz], kind="stable")]
    toks = [gene_to_token[g] for g in order]
    if max_len is not None:
        toks = toks[: max_len - 1]
    return [CLS_ID] + toks


def tokenize_cells(expr, gene_to_token, max_len=None):
    for row in expr:
        yield rank_tokens(row, gene_to_token, max_len)


def pad_batch(seqs):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), PAD_ID, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return {"input_ids": ids, "attention_mask": (ids != PAD_ID).long()}


def mlm_collate(seqs):
    batch = pad_batch(seqs)
    ids = batch["input_ids"]
    labels = ids.clone()
    can_mask = ids >= N_SPECIAL
    chosen = (torch.rand(ids.shape) < MASK_PROB) & can_mask
    labels[~chosen] = -100
    batch["input_ids"] = ids.masked_fill(chosen, MASK_ID)
    batch["labels"] = labels
    return batch


def main():
    counts, gene_names, cell_type = simulate_counts(N_CELLS, N_GENES)
    logx = normalize_log1p(counts)
    hvg_idx = select_hvg(logx, N_HVG)
    hvg_names = gene_names[hvg_idx]
    expr = logx[:, hvg_idx]
    gene_to_token = {j: N_SPECIAL + j for j in range(len(hvg_names))}
    vocab_size = N_SPECIAL + len(hvg_names)
    n_expr = (expr > 0).sum(1)
    print(f"{len(hvg_names)} HVGs, expressed per cell: median {np.median(n_expr):.0f}, max {n_expr.max()}")

    perm = rng.permutation(N_CELLS)
    train_idx, test_idx = perm[:120], perm[120:]

    train_tokens = list(tokenize_cells(expr[train_idx], gene_to_token, max_len=CONTEXT))
    loader = DataLoader(train_tokens, batch_size=16, shuffle=True, collate_fn=mlm_collate)

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=CONTEXT,
        pad_token_id=PAD_ID,
    )
    model = BertForMaskedLM(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(2):
        losses = []
        for batch in loader:
            loss = model(**batch).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch} mlm loss {np.mean(losses):.3f}")

    model.eval()
    test_tokens = list(tokenize_cells(expr[test_idx], gene_to_token))
    embeddings = []
    with torch.no_grad():
        for start in range(0, len(test_tokens), 16):
            batch = pad_batch(test_tokens[start:start + 16])
            hidden = model.bert(**batch).last_hidden_state
            embeddings.append(hidden[:, 0].numpy())
    emb = np.concatenate(embeddings)

    labels = cell_type[test_idx]
    centroids = np.stack([emb[labels == c].mean(0) for c in np.unique(labels)])
    dists = ((emb[:, None, :] - centroids[None]) ** 2).sum(-1)
    acc = (np.unique(labels)[dists.argmin(1)] == labels).mean()
    print(f"test cells: {emb.shape}, nearest-centroid acc {acc:.2f}")


if __name__ == "__main__":
    main()
