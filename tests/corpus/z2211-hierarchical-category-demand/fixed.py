from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class TrainSettings:
    n_stores: int = 15
    n_categories: int = 6
    items_per_category: int = 20
    n_weeks: int = 30
    emb_dim: int = 16
    batch_size: int = 128
    lr: float = 1e-2
    epochs: int = 2
    shrink_weight: float = 0.05
    seed: int = 21


def build_hierarchy(s: TrainSettings):
    n_items = s.n_categories * s.items_per_category
    item_category = torch.arange(n_items) // s.items_per_category
    return n_items, item_category


def simulate_weekly_sales(s: TrainSettings, item_category):
    rng = np.random.default_rng(s.seed)
    n_items = item_category.numel()
    cat_level = rng.gamma(3.0, 2.0, size=s.n_categories)
    item_level = cat_level[item_category.numpy()] * rng.lognormal(0, 0.3, size=n_items)
    store_level = rng.lognormal(0, 0.4, size=s.n_stores)
    rows = []
    for store in range(s.n_stores):
        for item in range(n_items):
            for week in range(0, s.n_weeks, 3):
                promo = float(rng.random() < 0.15)
                rate = store_level[store] * item_level[item] * (1.4 if promo else 1.0)
                rows.append((store, item, week, promo, rng.poisson(rate)))
    arr = np.array(rows, dtype=np.float32)
    return TensorDataset(
        torch.from_numpy(arr[:, 0]).long(),
        torch.from_numpy(arr[:, 1]).long(),
        torch.from_numpy(arr[:, 2:4]),
        torch.from_numpy(arr[:, 4]),
    )


class HierarchicalDemandModel(nn.Module):
    def __init__(self, n_stores, n_items, n_categories, item_category, dim):
        super().__init__()
        self.register_buffer("item_category", item_category)
        self.store_emb = nn.Embedding(n_stores, dim)
        self.item_emb = nn.Embedding(n_items, dim)
        self.cat_emb = nn.Embedding(n_categories, dim)
        self.time_proj = nn.Linear(2, dim)
        self.out = nn.Linear(dim, 1)

    def category_centroids(self):
        members = F.normalize(self.item_emb.weight, dim=-1)
        sums = torch.zeros_like(self.cat_emb.weight).index_add(0, self.item_category, members)
        counts = torch.bincount(self.item_category, minlength=self.cat_emb.num_embeddings)
        return sums / counts.unsqueeze(-1).float()

    def forward(self, store, item, time_feats):
        h = self.store_emb(store) + self.item_emb(item) + self.cat_emb(self.item_category[item])
        h = h + torch.tanh(self.time_proj(time_feats))
        return self.out(F.gelu(h)).squeeze(-1)


class DemandTrainer:
    def __init__(self, model, settings: TrainSettings):
        self.model = model
        self.s = settings
        self.opt = torch.optim.Adam(model.parameters(), lr=settings.lr)
        self.history = []

    def shrinkage_penalty(self, item):
        emb = F.normalize(self.model.item_emb(item), dim=-1)
        target = self.model.category_centroids()[self.model.item_category[item]]
        return (emb - target).pow(2).sum(-1).mean()

    def train_step(self, store, item, time_feats, units):
        self.model.train()
        log_rate = self.model(store, item, time_feats)
        nll = F.poisson_nll_loss(log_rate, units, log_input=True)
        loss = nll + self.s.shrink_weight * self.shrinkage_penalty(item)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return nll.item()

    def fit(self, loader):
        for epoch in range(self.s.epochs):
            losses = []
            for store, item, feats, units in loader:
                feats = feats.clone()
                feats[:, 0] = feats[:, 0] / self.s.n_weeks
                losses.append(self.train_step(store, item, feats, units))
            self.history.append(float(np.mean(losses)))
            print(f"epoch {epoch}: poisson nll {self.history[-1]:.4f}")


def main():
    s = TrainSettings()
    torch.manual_seed(s.seed)
    n_items, item_category = build_hierarchy(s)
    ds = simulate_weekly_sales(s, item_category)
    loader = DataLoader(ds, batch_size=s.batch_size, shuffle=True)
    model = HierarchicalDemandModel(s.n_stores, n_items, s.n_categories, item_category, s.emb_dim)
    trainer = DemandTrainer(model, s)
    trainer.fit(loader)


if __name__ == "__main__":
    main()
