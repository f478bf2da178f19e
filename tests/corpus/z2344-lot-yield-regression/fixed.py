import csv
import os
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lot_yield.csv")


@dataclass
class YieldConfig:
    numeric_cols: list = field(default_factory=lambda: [
        "chuck_temp", "chamber_pressure", "rf_power", "cf4_flow",
        "etch_time", "film_thk_mean", "film_thk_std", "queue_hours",
    ])
    cat_cols: list = field(default_factory=lambda: ["tool_id", "chamber", "recipe"])
    max_emb_dim: int = 4
    hidden: int = 64
    dropout: float = 0.1
    lr: float = 3e-3
    epochs: int = 5
    batch_size: int = 64
    seed: int = 7


def write_synthetic_lots(path, n_lots=600, seed=0):
    rng = np.random.default_rng(seed)
    tools = [f"ETCH{i:02d}" for i in range(6)]
    chambers = ["A", "B", "C"]
    recipes = [f"RCP-{c}" for c in "ABCDEFGHIJKL"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["lot_id", "tool_id", "chamber", "recipe", "chuck_temp", "chamber_pressure",
                    "rf_power", "cf4_flow", "etch_time", "film_thk_mean", "film_thk_std",
                    "queue_hours", "yield_pct"])
        for i in range(n_lots):
            tool = rng.integers(len(tools))
            temp = rng.normal(60, 3)
            press = rng.normal(40, 2)
            power = rng.normal(800, 40)
            flow = rng.normal(120, 8)
            etime = rng.normal(45, 4)
            thk = rng.normal(1200, 25)
            thk_std = abs(rng.normal(12, 3))
            queue = abs(rng.normal(6, 4))
            y = 92 - 0.4 * abs(temp - 60) - 0.15 * thk_std - 0.3 * queue - 1.5 * (tool == 3)
            y += rng.normal(0, 1.0)
            w.writerow([f"L{i:05d}", tools[tool], chambers[rng.integers(3)],
                        recipes[rng.integers(len(recipes))], round(temp, 3), round(press, 3),
                        round(power, 2), round(flow, 2), round(etime, 2), round(thk, 2),
                        round(thk_std, 3), round(queue, 2), round(float(np.clip(y, 0, 100)), 2)])


def load_table(path, cfg):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    vocabs = {c: sorted({r[c] for r in rows}) for c in cfg.cat_cols}
    x_num = np.array([[float(r[c]) for c in cfg.numeric_cols] for r in rows], dtype=np.float32)
    x_cat = np.array([[vocabs[c].index(r[c]) for c in cfg.cat_cols] for r in rows], dtype=np.int64)
    y = np.array([float(r["yield_pct"]) for r in rows], dtype=np.float32)
    return x_num, x_cat, y, vocabs


def emb_size(cardinality, cap):
    return min(cap, (cardinality + 1) // 2)


class YieldNet(nn.Module):
    def __init__(self, cfg, cardinalities):
        super().__init__()
        self.embeddings = nn.ModuleList(
            nn.Embedding(card, emb_size(card, cfg.max_emb_dim)) for card in cardinalities
        )
        in_features = len(cfg.numeric_cols) + sum(e.embedding_dim for e in self.embeddings)
        self.trunk = nn.Sequential(
            nn.Linear(in_features, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, cfg.hidden // 2),
            nn.ReLU(),
        )
        self.head = nn.Linear(cfg.hidden // 2, 1)

    def forward(self, x_num, x_cat):
        embs = [emb(x_cat[:, i]) for i, emb in enumerate(self.embeddings)]
        x = torch.cat([x_num] + embs, dim=1)
        return self.head(self.trunk(x)).squeeze(-1)


def main():
    cfg = YieldConfig()
    torch.manual_seed(cfg.seed)
    if not os.path.exists(DATA_PATH):
        write_synthetic_lots(DATA_PATH)
    x_num, x_cat, y, vocabs = load_table(DATA_PATH, cfg)

    mu, sd = x_num.mean(0), x_num.std(0) + 1e-6
    x_num = (x_num - mu) / sd
    y_mu, y_sd = y.mean(), y.std()

    n_train = int(0.8 * len(y))
    idx = np.random.default_rng(cfg.seed).permutation(len(y))
    tr, va = idx[:n_train], idx[n_train:]
    to_t = lambda a: torch.from_numpy(a)
    train_ds = TensorDataset(to_t(x_num[tr]), to_t(x_cat[tr]), to_t((y[tr] - y_mu) / y_sd))
    val_ds = TensorDataset(to_t(x_num[va]), to_t(x_cat[va]), to_t((y[va] - y_mu) / y_sd))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    cards = [len(vocabs[c]) for c in cfg.cat_cols]
    model = YieldNet(cfg, cards)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    loss_fn = nn.MSELoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for xb_num, xb_cat, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb_num, xb_cat), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(yb)
        model.eval()
        with torch.no_grad():
            errs = [torch.abs(model(a, b) - t) * float(y_sd) for a, b, t in val_dl]
        mae = torch.cat(errs).mean().item()
        print(f"epoch {epoch}  train_mse={running / len(train_ds):.4f}  val_mae={mae:.3f} yield pts")


if __name__ == "__main__":
    main()
