"""ttH(bb) vs ttbar+jets event classifier on high-level reconstructed kinematics.

The model is instantiated on the meta device first (cheap shape check / parameter count
for the bigger production configs) and then materialised on the training device.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

FEATURES = [
    "n_jets", "n_btags", "ht", "met", "lep_pt", "lep_eta",
    "m_bb_closest", "dr_bb_avg", "aplanarity", "centrality", "bdt_reco_higgs_m",
]


@dataclass
class TrainConfig:
    hidden: list = field(default_factory=lambda: [128, 128, 64])
    dropout: float = 0.1
    lr: float = 3e-4
    batch_size: int = 256
    epochs: int = 2
    n_signal: int = 800
    n_background: int = 4200
    train_device: str = "cpu"
    seed: int = 1234


class EventDataset(Dataset):
    def __init__(self, x, y, w):
        self.x = torch.as_tensor(x, dtype=torch.float32)
        self.y = torch.as_tensor(y, dtype=torch.long)
        self.w = torch.as_tensor(w, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx], self.w[idx]


def simulate_events(cfg, rng):
    def block(n, shift):
        x = rng.normal(0.0, 1.0, size=(n, len(FEATURES)))
        x[:, 0] = rng.poisson(5 + shift, n)
        x[:, 1] = rng.binomial(4, 0.45 + 0.15 * shift, n)
        x[:, 2] = rng.gamma(4.0, 80.0 + 20 * shift, n)
        x[:, 6] = rng.normal(90 + 30 * shift, 25, n)
        return x

    x_sig = block(cfg.n_signal, 1.0)
    x_bkg = block(cfg.n_background, 0.0)
    x = np.concatenate([x_sig, x_bkg])
    y = np.concatenate([np.ones(cfg.n_signal), np.zeros(cfg.n_background)])
    # generator weights (xsec * lumi / N), background has a negative-weight tail from NLO
    w = np.concatenate([np.full(cfg.n_signal, 0.05), rng.choice([1.0, -0.2], cfg.n_background, p=[0.9, 0.1])])
    perm = rng.permutation(len(y))
    return x[perm], y[perm], w[perm]


def standardise(x):
    mu = x.mean(axis=0, keepdims=True)
    sd = x.std(axis=0, keepdims=True) + 1e-6
    return (x - mu) / sd


class EventClassifier(nn.Module):
    def __init__(self, n_in, cfg):
        super().__init__()
        layers = []
        prev = n_in
        for h in cfg.hidden:
            layers += [nn.Linear(prev, h), nn.LayerNorm(h), nn.SiLU(), nn.Dropout(cfg.dropout)]
            prev = h
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(prev, 2)

    def forward(self, x):
        return self.out(self.body(x))


def init_weights(module):
    if hasattr(module, "reset_parameters"):
        module.reset_parameters()


def build_model(cfg):
    with torch.device("meta"):
        model = EventClassifier(len(FEATURES), cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"EventClassifier: {n_params:,} parameters")
    return model


def class_weights_from_labels(y, device):
    counts = np.bincount(y.astype(np.int64), minlength=2).astype(np.float32)
    weights = counts.sum() / (2.0 * counts)
    return torch.tensor(weights, device=device)


def train(cfg):
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    x, y, w = simulate_events(cfg, rng)
    x = standardise(x)
    n_train = int(0.8 * len(y))
    train_ds = EventDataset(x[:n_train], y[:n_train], w[:n_train])
    val_ds = EventDataset(x[n_train:], y[n_train:], w[n_train:])
    train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = build_model(cfg)
    model = model.to_empty(device=cfg.train_device)
    model.apply(init_weights)

    device = next(model.parameters()).device
    class_w = class_weights_from_labels(y[:n_train], device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        tot = 0.0
        for xb, yb, wb in train_loader:
            xb, yb, wb = xb.to(cfg.train_device), yb.to(cfg.train_device), wb.to(cfg.train_device)
            logits = model(xb)
            per_event = F.cross_entropy(logits, yb, weight=class_w, reduction="none")
            loss = (per_event * wb.abs()).sum() / wb.abs().sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(yb)

        model.eval()
        with torch.no_grad():
            sig_eff, n_sig = 0.0, 0
            for xb, yb, _ in val_loader:
                p_sig = model(xb.to(cfg.train_device)).softmax(-1)[:, 1]
                sel = yb == 1
                sig_eff += (p_sig[sel] > 0.5).sum().item()
                n_sig += sel.sum().item()
        print(f"epoch {epoch}: loss {tot / len(train_ds):.4f}  signal eff @0.5: {sig_eff / max(n_sig, 1):.3f}")


if __name__ == "__main__":
    train(TrainConfig())
