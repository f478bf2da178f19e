import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.preprocessing import LabelEncoder

CONFIG = {
    "n_cells": 600,
    "n_genes": 500,
    "n_hvg": 200,
    "latent_dim": 16,
    "hidden_dim": 128,
    "batch_key": "sample_id",
    "kl_weight": 0.5,
    "lr": 1e-3,
    "epochs": 5,
    "minibatch": 64,
    "seed": 11,
}


def simulate_counts(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n, g = cfg["n_cells"], cfg["n_genes"]
    cell_types = rng.integers(0, 4, n)
    samples = rng.choice(["donorA_rep1", "donorA_rep2", "donorB_rep1"], n)
    programs = rng.gamma(2.0, 1.0, (4, g))
    sample_shift = {s: rng.normal(0, 0.3, g) for s in np.unique(samples)}
    mu = np.stack([programs[ct] * np.exp(sample_shift[s])
                   for ct, s in zip(cell_types, samples)])
    size_factor = rng.lognormal(0, 0.4, (n, 1))
    counts = rng.poisson(mu * size_factor)
    obs = {"cell_type": cell_types, "sample_id": samples}
    return counts.astype(np.float32), obs


def normalize_log1p(counts, target_sum=1e4):
    lib = counts.sum(1, keepdims=True)
    lib[lib == 0] = 1
    return np.log1p(counts / lib * target_sum)


def select_hvg(logx, n_top):
    mean = logx.mean(0)
    disp = logx.var(0) / (mean + 1e-6)
    return np.argsort(-disp)[:n_top]


def one_hot_batches(labels, n_batches):
    return F.one_hot(torch.as_tensor(labels, dtype=torch.long), n_batches).float()


def make_params(n_input, cfg, n_batches):
    h, z = cfg["hidden_dim"], cfg["latent_dim"]
    enc = nn.Sequential(nn.Linear(n_input + n_batches, h), nn.LayerNorm(h), nn.ReLU(),
                        nn.Linear(h, h), nn.ReLU())
    enc_mu = nn.Linear(h, z)
    enc_logvar = nn.Linear(h, z)
    dec = nn.Sequential(nn.Linear(z + n_batches, h), nn.LayerNorm(h), nn.ReLU(),
                        nn.Linear(h, n_input))
    return nn.ModuleDict({"enc": enc, "mu": enc_mu, "logvar": enc_logvar, "dec": dec})


def encode(m, x, b):
    h = m["enc"](torch.cat([x, b], dim=1))
    return m["mu"](h), m["logvar"](h).clamp(-8, 8)


def reparameterize(mu, logvar):
    return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)


def decode(m, z, b):
    return m["dec"](torch.cat([z, b], dim=1))


def elbo_loss(x, x_hat, mu, logvar, kl_weight):
    recon = F.mse_loss(x_hat, x, reduction="sum") / x.size(0)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.size(0)
    return recon + kl_weight * kl, recon, kl


def train(cfg):
    torch.manual_seed(cfg["seed"])
    counts, obs = simulate_counts(cfg)
    logx = normalize_log1p(counts)
    hvg_idx = select_hvg(logx, cfg["n_hvg"])
    X = torch.from_numpy(logx[:, hvg_idx].astype(np.float32))

    enc_batch = LabelEncoder().fit(obs[cfg["batch_key"]])
    batch_codes = enc_batch.transform(obs[cfg["batch_key"]])
    n_batches = len(enc_batch.classes_)
    B = one_hot_batches(batch_codes, n_batches)
    print(f"{X.shape[0]} cells x {X.shape[1]} HVGs, {n_batches} batches: {[str(c) for c in enc_batch.classes_]}")

    model = make_params(X.shape[1], cfg, n_batches)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        perm = torch.randperm(X.shape[0])
        tot = 0.0
        for i in range(0, X.shape[0], cfg["minibatch"]):
            idx = perm[i:i + cfg["minibatch"]]
            xb, bb = X[idx], B[idx]
            mu, logvar = encode(model, xb, bb)
            z = reparameterize(mu, logvar)
            x_hat = decode(model, z, bb)
            loss, recon, kl = elbo_loss(xb, x_hat, mu, logvar, cfg["kl_weight"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        print(f"epoch {epoch}: loss/cell {tot / X.shape[0]:.3f}")

    with torch.no_grad():
        latent, _ = encode(model, X, B)
    return latent.numpy(), obs


if __name__ == "__main__":
    latent, obs = train(CONFIG)
    print("latent embedding", latent.shape)
