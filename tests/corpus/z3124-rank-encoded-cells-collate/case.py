"""Rank-value encoding of cells (Geneformer-style) and a tiny masked-gene pretraining loop.

Counts are simulated; genes are normalised by their median non-zero expression across
the dataset, then each cell becomes the sequence of its expressed genes ranked high->low.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 7
N_CELLS = 240
N_GENES = 1200
N_HVG = 300
MAX_GENES = 64
BATCH_SIZE = 16
SPECIAL = ["<pad>", "<mask>", "<cls>"]

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def simulate_counts(n_cells, n_genes):
    gene_means = rng.gamma(0.6, 1.5, size=n_genes)
    lib_size = rng.lognormal(0.0, 0.4, size=n_cells)
    lam = np.outer(lib_size, gene_means)
    counts = rng.poisson(lam)
    dropout = rng.random(counts.shape) < rng.uniform(0.55, 0.92, size=(n_cells, 1))
    counts[dropout] = 0
    return counts.astype(np.float32)


def select_hvg(X, n_top):
    norm = X / X.sum(1, keepdims=True).clip(min=1) * 1e4
    logx = np.log1p(norm)
    mean = logx.mean(0)
    var = logx.var(0)
    disp = var / np.maximum(mean, 1e-6)
    return np.argsort(-disp)[:n_top]


counts = simulate_counts(N_CELLS, N_GENES)
gene_names = np.array([f"ENSG{i:011d}" for i in range(N_GENES)])
hvg_idx = select_hvg(counts, N_HVG)
X = counts[:, hvg_idx]
hvg_names = gene_names[hvg_idx]

nz = np.where(X > 0, X, np.nan)
gene_medians = np.nan_to_num(np.nanmedian(nz, axis=0), nan=1.0)

vocab = {tok: i for i, tok in enumerate(SPECIAL)}
for g in hvg_names:
    vocab[g] = len(vocab)
PAD_ID, MASK_ID, CLS_ID = vocab["<pad>"], vocab["<mask>"], vocab["<cls>"]


def rank_encode(cell_counts):
    scaled = cell_counts / gene_medians
    expressed = np.flatnonzero(scaled > 0)
    order = expressed[np.argsort(-scaled[expressed], kind="stable")]
    token_ids = [CLS_ID] + [vocab[hvg_names[j]] for j in order]
    return token_ids[:MAX_GENES]


class RankedCellDataset(Dataset):
    def __init__(self, matrix, mask_prob=0.15):
        self.cells = [rank_encode(row) for row in matrix]
        self.mask_prob = mask_prob

    def __len__(self):
        return len(self.cells)

    def __getitem__(self, i):
        ids = torch.tensor(self.cells[i], dtype=torch.long)
        labels = ids.clone()
        probs = torch.rand(ids.shape)
        probs[0] = 1.0
        masked = probs < self.mask_prob
        ids = ids.masked_fill(masked, MASK_ID)
        labels[~masked] = -100
        return {"input_ids": ids, "labels": labels}


class CellEncoder(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=2, n_layers=1, max_len=MAX_GENES):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=PAD_ID)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, input_ids):
        pos = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok(input_ids) + self.pos(pos)[None]
        pad_mask = input_ids.eq(PAD_ID)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h)


dataset = RankedCellDataset(X)
lengths = [len(c) for c in dataset.cells]
print(f"{len(dataset)} cells, {len(vocab)} tokens, genes/cell min={min(lengths)} max={max(lengths)}")

loader = DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True,
                    generator=torch.Generator().manual_seed(SEED))
model = CellEncoder(len(vocab))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(2):
    running = 0.0
    for step, batch in enumerate(loader):
        logits = model(batch["input_ids"])
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch["labels"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
