"""Attention pooling over padded claim-line histories to predict next-year loss ratio per policy."""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

N_POLICIES = 400
MAX_LINES = 12
CAUSE_CODES = ["COLL", "COMP", "GLASS", "TOW", "BI", "PD", "MED"]

LINE_DTYPE = np.dtype([
    ("cause", np.int64),
    ("dev_q", np.float32),
    ("log_paid", np.float32),
    ("log_incurred", np.float32),
    ("is_pad", np.uint8),
])


@dataclass
class RunConfig:
    d_model: int = 24
    batch_size: int = 32
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 11


def build_book(rng):
    cols = {
        "policy_id": np.array([f"P{i:05d}" for i in range(N_POLICIES)]),
        "earned_premium": rng.gamma(4.0, 300.0, N_POLICIES).astype(np.float32),
        "n_claims": rng.integers(1, MAX_LINES + 1, N_POLICIES),
    }
    lines = np.zeros((N_POLICIES, MAX_LINES), dtype=LINE_DTYPE)
    lines["is_pad"] = 1
    for p in range(N_POLICIES):
        k = cols["n_claims"][p]
        paid = rng.lognormal(6.5, 1.2, k)
        lines[p, :k]["cause"] = rng.integers(0, len(CAUSE_CODES), k)
        lines[p, :k]["dev_q"] = rng.integers(1, 9, k) / 8.0
        lines[p, :k]["log_paid"] = np.log1p(paid)
        lines[p, :k]["log_incurred"] = np.log1p(paid * rng.uniform(1.0, 1.6, k))
        lines[p, :k]["is_pad"] = 0
    incurred_total = np.expm1(np.where(lines["is_pad"] == 0, lines["log_incurred"], 0.0)).sum(axis=1)
    cols["next_lr"] = np.clip(
        0.04 * incurred_total / cols["earned_premium"] + rng.normal(0, 0.05, N_POLICIES), 0, None
    ).astype(np.float32)
    return cols, lines


class ClaimHistoryDataset(Dataset):
    def __init__(self, cols, lines, index):
        self.cols = cols
        self.lines = lines
        self.index = np.asarray(index)

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        p = self.index[i]
        rec = self.lines[p]
        numeric = np.stack([rec["dev_q"], rec["log_paid"], rec["log_incurred"]], axis=-1)
        return {
            "cause": torch.from_numpy(rec["cause"].copy()),
            "numeric": torch.from_numpy(numeric),
            "pad_mask": torch.from_numpy(rec["is_pad"].astype(bool)),
            "log_premium": torch.tensor([math.log(float(self.cols["earned_premium"][p]))]),
            "target": torch.tensor(float(self.cols["next_lr"][p])),
        }


class HistoryPooler(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.cause_emb = nn.Embedding(len(CAUSE_CODES), d_model)
        self.num_proj = nn.Linear(3, d_model)
        self.query = nn.Parameter(torch.randn(d_model) / math.sqrt(d_model))
        self.out = nn.Sequential(nn.Linear(d_model + 1, d_model), nn.GELU(), nn.Linear(d_model, 1))

    def forward(self, cause, numeric, pad_mask, log_premium):
        h = torch.tanh(self.cause_emb(cause) + self.num_proj(numeric))
        scores = (h @ self.query) / math.sqrt(h.size(-1))
        scores = scores.masked_fill(pad_mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        pooled = (weights.unsqueeze(-1) * h).sum(dim=1)
        return self.out(torch.cat([pooled, log_premium], dim=1)).squeeze(1)


def evaluate(model, loader):
    model.eval()
    se, n = 0.0, 0
    with torch.no_grad():
        for b in loader:
            pred = model(b["cause"], b["numeric"], b["pad_mask"], b["log_premium"])
            se += ((pred - b["target"]) ** 2).sum().item()
            n += len(pred)
    return math.sqrt(se / n)


if __name__ == "__main__":
    cfg = RunConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    cols, lines = build_book(rng)
    print("mean claims/policy:", cols["n_claims"].mean(), "mean next LR:", float(cols["next_lr"].mean()))

    perm = rng.permutation(N_POLICIES)
    n_train = int(0.75 * N_POLICIES)
    train_ds = ClaimHistoryDataset(cols, lines, perm[:n_train])
    hold_ds = ClaimHistoryDataset(cols, lines, perm[n_train:])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    hold_dl = DataLoader(hold_ds, batch_size=cfg.batch_size)

    model = HistoryPooler(cfg.d_model)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for b in train_dl:
            pred = model(b["cause"], b["numeric"], b["pad_mask"], b["log_premium"])
            loss = nn.functional.mse_loss(pred, b["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: last batch mse={loss.item():.4f} holdout rmse={evaluate(model, hold_dl):.4f}")
