from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class DemandConfig:
    n_stores: int = 45
    n_items: int = 20_000
    n_depts: int = 18
    store_dim: int = 8
    item_dim: int = 24
    dept_dim: int = 4
    n_dense: int = 3
    hidden: int = 64
    holidays: list = field(default_factory=lambda: [1, 45, 148, 185, 247, 327, 328, 359])
    init_device: str = "meta"
    train_device: str = "cpu"
    batch_size: int = 512
    lr: float = 2e-3
    epochs: int = 2
    seed: int = 7


def calendar_table(holidays, n_days=366):
    doy = np.arange(n_days)
    feats = np.zeros((n_days, 5), dtype=np.float32)
    feats[:, 0] = np.sin(2 * np.pi * doy / 365.25)
    feats[:, 1] = np.cos(2 * np.pi * doy / 365.25)
    feats[:, 2] = np.isin(doy, holidays)
    feats[:, 3] = np.isin(doy + 1, holidays) | np.isin(doy + 2, holidays)  # pre-holiday uplift
    feats[:, 4] = (doy % 14) == 0  # payday
    return torch.from_numpy(feats)


class DailyDemandNet(nn.Module):
    def __init__(self, cfg: DemandConfig):
        super().__init__()
        self.cfg = cfg
        self.store_emb = nn.Embedding(cfg.n_stores, cfg.store_dim)
        self.item_emb = nn.Embedding(cfg.n_items, cfg.item_dim)
        self.dept_emb = nn.Embedding(cfg.n_depts, cfg.dept_dim)
        self.register_buffer("calendar", torch.zeros(366, 5), persistent=False)
        in_dim = cfg.store_dim + cfg.item_dim + cfg.dept_dim + 5 + cfg.n_dense
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.hidden // 2),
            nn.ReLU(),
            nn.Linear(cfg.hidden // 2, 1),
        )

    @torch.no_grad()
    def init_weights(self):
        for emb in (self.store_emb, self.item_emb, self.dept_emb):
            nn.init.normal_(emb.weight, std=0.05)
        for m in self.mlp:
            if isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        self.calendar.copy_(calendar_table(self.cfg.holidays))

    def forward(self, store, item, dept, doy, dense):
        cal = self.calendar[doy]
        x = torch.cat([
            self.store_emb(store),
            self.item_emb(item),
            self.dept_emb(dept),
            cal,
            dense,
        ], dim=-1)
        return self.mlp(x).squeeze(-1)  # log-rate


def make_transactions(cfg: DemandConfig, n_rows=8_000):
    rng = np.random.default_rng(cfg.seed)
    store = rng.integers(0, cfg.n_stores, n_rows)
    item = rng.integers(0, cfg.n_items, n_rows)
    dept = item % cfg.n_depts
    doy = rng.integers(0, 366, n_rows)
    promo = (rng.random(n_rows) < 0.15).astype(np.float32)
    price_ratio = (1.0 - 0.25 * promo + rng.normal(0, 0.03, n_rows)).astype(np.float32)
    on_display = (rng.random(n_rows) < 0.05).astype(np.float32)
    holiday = np.isin(doy, cfg.holidays)
    rate = np.exp(0.3 + 0.6 * promo + 0.4 * holiday + 0.2 * on_display - 0.5 * (price_ratio - 1.0))
    units = rng.poisson(rate).astype(np.float32)
    dense = np.stack([promo, price_ratio, on_display], axis=1)
    return TensorDataset(
        torch.from_numpy(store), torch.from_numpy(item), torch.from_numpy(dept),
        torch.from_numpy(doy), torch.from_numpy(dense), torch.from_numpy(units),
    )


def build_model(cfg: DemandConfig):
    # the item table gets big on the full assortment; allocate once on the target device
    with torch.device(cfg.init_device):
        model = DailyDemandNet(cfg)
    model = model.to_empty(device=cfg.train_device)
    model.init_weights()
    return model


def main():
    cfg = DemandConfig()
    torch.manual_seed(cfg.seed)
    ds = make_transactions(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = build_model(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params: {n_params:,}")
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        total, n = 0.0, 0
        for store, item, dept, doy, dense, units in loader:
            store, item, dept, doy = (t.to(cfg.train_device) for t in (store, item, dept, doy))
            dense, units = dense.to(cfg.train_device), units.to(cfg.train_device)
            log_rate = model(store, item, dept, doy, dense)
            loss = F.poisson_nll_loss(log_rate, units, log_input=True)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * units.numel()
            n += units.numel()
        print(f"epoch {epoch} poisson_nll={total / n:.4f}")


if __name__ == "__main__":
    main()
