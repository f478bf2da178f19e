from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split


@dataclass
class TrainConfig:
    n_claims: int = 5000
    test_size: float = 0.2
    batch_size: int = 256
    epochs: int = 6
    max_lr: float = 3e-3
    pct_start: float = 0.3
    weight_decay: float = 1e-4
    hidden_sizes: list = field(default_factory=lambda: [64, 32])
    seed: int = 2024


FEATURES = ["injury_severity", "days_open", "medical_bills_k", "lost_wages_k", "claimant_age",
            "prior_bi_claims", "soft_tissue", "state_tort_index", "recorded_statement", "reserve_k"]


def synth_bodily_injury_claims(cfg):
    rng = np.random.default_rng(cfg.seed)
    n = cfg.n_claims
    X = np.column_stack([
        rng.integers(1, 6, n),                 # injury severity 1-5
        rng.gamma(2.0, 40.0, n),               # days open
        rng.lognormal(1.5, 1.0, n),            # medical bills (k$)
        rng.lognormal(0.5, 1.2, n),            # lost wages (k$)
        rng.integers(18, 85, n),
        rng.poisson(0.3, n),
        rng.integers(0, 2, n),
        rng.uniform(0, 1, n),
        rng.integers(0, 2, n),
        rng.lognormal(2.0, 0.8, n),
    ]).astype(np.float32)
    z = (0.5 * X[:, 0] + 0.01 * X[:, 1] + 0.08 * X[:, 2] + 0.9 * X[:, 6]
         + 1.5 * X[:, 7] - 0.7 * X[:, 8] + 0.4 * X[:, 5] - 5.5)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(np.float32)
    return X, y


def standardize(train, other):
    mu, sd = train.mean(0), train.std(0) + 1e-6
    return (train - mu) / sd, (other - mu) / sd


def make_mlp(in_dim, hidden_sizes):
    layers, d = [], in_dim
    for h in hidden_sizes:
        layers += [nn.Linear(d, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(0.1)]
        d = h
    layers.append(nn.Linear(d, 1))
    return nn.Sequential(*layers)


def train_one_epoch(model, loader, optimizer, scheduler, loss_fn):
    model.train()
    total, seen = 0.0, 0
    for xb, yb in loader:
        logits = model(xb).squeeze(-1)
        loss = loss_fn(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(yb)
        seen += len(yb)
    return total / seen


@torch.no_grad()
def evaluate(model, X, y):
    model.eval()
    probs = torch.sigmoid(model(X).squeeze(-1)).numpy()
    return roc_auc_score(y.numpy(), probs)


def main(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    X, y = synth_bodily_injury_claims(cfg)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=cfg.test_size,
                                              stratify=y, random_state=cfg.seed)
    X_tr, X_te = standardize(X_tr, X_te)
    print(f"train {len(X_tr)} claims, litigation rate {y_tr.mean():.3f}")

    train_ds = TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

    model = make_mlp(len(FEATURES), cfg.hidden_sizes)
    pos_weight = torch.tensor((1 - y_tr.mean()) / y_tr.mean())
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = len(train_ds) // cfg.batch_size
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=cfg.max_lr, epochs=cfg.epochs,
        steps_per_epoch=steps_per_epoch, pct_start=cfg.pct_start,
    )

    X_te_t, y_te_t = torch.from_numpy(X_te), torch.from_numpy(y_te)
    for epoch in range(cfg.epochs):
        tr_loss = train_one_epoch(model, train_dl, optimizer, scheduler, loss_fn)
        auc = evaluate(model, X_te_t, y_te_t)
        print(f"epoch {epoch + 1}/{cfg.epochs} loss {tr_loss:.4f} test AUC {auc:.3f} "
              f"lr {scheduler.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main(TrainConfig())
