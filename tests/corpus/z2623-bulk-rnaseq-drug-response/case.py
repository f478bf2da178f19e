"""Predict log-IC50 drug response of cancer cell lines from bulk RNA-seq,
using highly variable genes and a small residual MLP."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CFG = {
    "n_lines": 360,
    "n_genes": 2000,
    "n_hvg": 500,
    "test_frac": 0.2,
    "hidden": 128,
    "n_blocks": 2,
    "dropout": 0.1,
    "lr": 1e-3,
    "weight_decay": 1e-4,
    "epochs": 5,
    "batch_size": 32,
    "seed": 3,
}


def make_expression(cfg, rng):
    depth = rng.lognormal(15.5, 0.3, size=(cfg["n_lines"], 1))
    gene_frac = rng.dirichlet(np.ones(cfg["n_genes"]) * 0.3)
    pathway = rng.normal(0, 1, size=(cfg["n_lines"], 8))
    loadings = rng.normal(0, 0.8, size=(8, cfg["n_genes"])) * (rng.random(cfg["n_genes"]) < 0.2)
    rate = depth * gene_frac[None, :] * np.exp(pathway @ loadings)
    counts = rng.poisson(rate).astype(np.float32)
    ic50 = pathway[:, 0] * 1.2 - pathway[:, 3] * 0.7 + rng.normal(0, 0.3, cfg["n_lines"])
    return counts, ic50.astype(np.float32)


def log_cpm(counts):
    lib = counts.sum(axis=1, keepdims=True)
    return np.log2(counts / lib * 1e6 + 1.0).astype(np.float32)


def compute_gene_stats(X):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd < 1e-6] = 1.0
    return torch.from_numpy(mu), torch.from_numpy(sd)


def select_hvg(X, n_top):
    mean = X.mean(axis=0)
    disp = X.var(axis=0) / (mean + 1e-3)
    return np.sort(np.argsort(disp)[::-1][:n_top])


class ResBlock(nn.Module):
    def __init__(self, dim, dropout):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim), nn.SiLU(),
                                 nn.Dropout(dropout), nn.Linear(dim, dim))

    def forward(self, x):
        return x + self.net(x)


class DrugResponseNet(nn.Module):
    def __init__(self, n_in, gene_mean, gene_std, cfg):
        super().__init__()
        self.register_buffer("gene_mean", gene_mean)
        self.register_buffer("gene_std", gene_std)
        self.inp = nn.Linear(n_in, cfg["hidden"])
        self.blocks = nn.Sequential(*[ResBlock(cfg["hidden"], cfg["dropout"])
                                      for _ in range(cfg["n_blocks"])])
        self.out = nn.Linear(cfg["hidden"], 1)

    def forward(self, expr):
        z = (expr - self.gene_mean) / self.gene_std
        return self.out(self.blocks(self.inp(z))).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    se, n = 0.0, 0
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            pred = model(xb)
            loss = nn.functional.mse_loss(pred, yb)
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            se += loss.item() * len(yb)
            n += len(yb)
    return (se / n) ** 0.5


def main(cfg=CFG):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])

    counts, ic50 = make_expression(cfg, rng)
    expr = log_cpm(counts)
    perm = rng.permutation(cfg["n_lines"])
    n_test = int(cfg["test_frac"] * cfg["n_lines"])
    test_idx, train_idx = perm[:n_test], perm[n_test:]
    X_train, X_test = expr[train_idx], expr[test_idx]

    gene_mean, gene_std = compute_gene_stats(X_train)
    hvg = select_hvg(X_train, cfg["n_hvg"])
    X_train, X_test = X_train[:, hvg], X_test[:, hvg]
    print(f"train {X_train.shape}, test {X_test.shape}")

    train_dl = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(ic50[train_idx])),
                          batch_size=cfg["batch_size"], shuffle=True)
    test_dl = DataLoader(TensorDataset(torch.from_numpy(X_test), torch.from_numpy(ic50[test_idx])),
                         batch_size=cfg["batch_size"])

    model = DrugResponseNet(len(hvg), gene_mean, gene_std, cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    for epoch in range(cfg["epochs"]):
        tr = run_epoch(model, train_dl, opt)
        te = run_epoch(model, test_dl)
        print(f"epoch {epoch + 1}: train RMSE {tr:.3f}  test RMSE {te:.3f}")


if __name__ == "__main__":
    main()
