import math

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

CFG = {
    "n_accounts": 300,
    "window": 20,           # last N authentication events per account
    "hidden": 48,
    "batch_size": 64,
    "epochs": 3,
    "max_lr": 3e-3,
    "pos_weight": 4.0,
    "seed": 42,
}

EVENT_FEATURES = [
    "hour_sin", "hour_cos", "failed", "mfa_used", "new_device",
    "new_asn", "geo_km_log", "password_reset",
]


def simulate_auth_logs(cfg):
    rng = np.random.default_rng(cfg["seed"])
    n, w = cfg["n_accounts"], cfg["window"]
    X = np.zeros((n, w, len(EVENT_FEATURES)), dtype=np.float32)
    y = (rng.random(n) < 0.2).astype(np.float32)
    for i in range(n):
        hours = rng.normal(13, 3, w) % 24
        if y[i]:
            hours[-5:] = rng.uniform(0, 5, 5)
        X[i, :, 0] = np.sin(2 * math.pi * hours / 24)
        X[i, :, 1] = np.cos(2 * math.pi * hours / 24)
        X[i, :, 2] = rng.random(w) < (0.35 if y[i] else 0.05)
        X[i, :, 3] = rng.random(w) < (0.3 if y[i] else 0.8)
        X[i, :, 4] = rng.random(w) < (0.4 if y[i] else 0.03)
        X[i, :, 5] = rng.random(w) < (0.5 if y[i] else 0.05)
        X[i, :, 6] = np.log1p(rng.exponential(2000 if y[i] else 30, w))
        X[i, :, 7] = rng.random(w) < (0.1 if y[i] else 0.01)
    return torch.from_numpy(X), torch.from_numpy(y)


class TakeoverDetector(nn.Module):
    def __init__(self, n_feat, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(n_feat)
        self.gru = nn.GRU(n_feat, hidden, batch_first=True, bidirectional=True)
        self.score = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, events):
        out, _ = self.gru(self.norm(events))
        return self.score(out[:, -1]).squeeze(-1)


class Trainer:
    def __init__(self, model, train_ds, val_ds, cfg):
        self.model = model
        self.cfg = cfg
        self.train_ds = train_ds
        self.train_loader = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
        self.val_loader = DataLoader(val_ds, batch_size=cfg["batch_size"])
        self.criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(cfg["pos_weight"]))
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["max_lr"])
        self.scheduler = torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer,
            max_lr=cfg["max_lr"],
            epochs=cfg["epochs"],
            steps_per_epoch=len(self.train_loader),
            pct_start=0.3,
        )

    def train_epoch(self):
        self.model.train()
        losses = []
        for xb, yb in self.train_loader:
            loss = self.criterion(self.model(xb), yb)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.scheduler.step()
            losses.append(loss.item())
        return float(np.mean(losses))

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        tp = fp = fn = 0
        for xb, yb in self.val_loader:
            pred = (torch.sigmoid(self.model(xb)) > 0.5).float()
            tp += (pred * yb).sum().item()
            fp += (pred * (1 - yb)).sum().item()
            fn += ((1 - pred) * yb).sum().item()
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        return precision, recall

    def fit(self):
        for epoch in range(self.cfg["epochs"]):
            loss = self.train_epoch()
            p, r = self.evaluate()
            lr = self.scheduler.get_last_lr()[0]
            print(f"epoch {epoch}: loss={loss:.4f} lr={lr:.2e} precision={p:.2f} recall={r:.2f}")


if __name__ == "__main__":
    torch.manual_seed(CFG["seed"])
    X, y = simulate_auth_logs(CFG)
    perm = torch.randperm(len(y))
    n_val = len(y) // 5
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    train_ds = TensorDataset(X[train_idx], y[train_idx])
    val_ds = TensorDataset(X[val_idx], y[val_idx])
    print(f"train={len(train_ds)} val={len(val_ds)} takeover_rate={y.mean():.2f}")

    model = TakeoverDetector(len(EVENT_FEATURES), CFG["hidden"])
    Trainer(model, train_ds, val_ds, CFG).fit()
