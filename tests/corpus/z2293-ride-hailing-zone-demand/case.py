import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

CONFIG = {
    "n_zones": 30,
    "n_days": 14,
    "lookback": 24,
    "horizon": 6,
    "n_buckets": 5,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 32,
    "lr": 1e-3,
    "epochs": 2,
    "seed": 11,
}


def simulate_requests(cfg):
    rng = np.random.default_rng(cfg["seed"])
    hours = cfg["n_days"] * 24
    t = np.arange(hours)
    base = rng.gamma(3.0, 4.0, size=cfg["n_zones"])[:, None]
    daily = 1.0 + 0.8 * np.sin(2 * np.pi * (t % 24 - 7) / 24)
    weekly = np.where((t // 24) % 7 >= 5, 0.7, 1.0)
    lam = base * daily[None, :] * weekly[None, :]
    return rng.poisson(lam).astype(np.float32)


def demand_buckets(counts, n_buckets):
    edges = np.quantile(counts, np.linspace(0, 1, n_buckets + 1)[1:-1])
    return np.digitize(counts, edges).astype(np.int64), edges


class ZoneWindowDataset(Dataset):
    def __init__(self, counts, buckets, lookback, horizon, hour_range):
        self.counts = torch.from_numpy(np.log1p(counts))
        self.buckets = torch.from_numpy(buckets)
        self.lookback = lookback
        self.horizon = horizon
        self.index = []
        lo, hi = hour_range
        for z in range(counts.shape[0]):
            for start in range(lo, hi - lookback - horizon + 1, 4):
                self.index.append((z, start))

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        z, s = self.index[i]
        x = self.counts[z, s:s + self.lookback]
        y = self.buckets[z, s + self.lookback:s + self.lookback + self.horizon]
        how = torch.arange(s, s + self.lookback) % 168
        return x, how, torch.tensor(z), y


class DemandBucketForecaster(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.horizon = cfg["horizon"]
        self.n_buckets = cfg["n_buckets"]
        self.value_proj = nn.Linear(1, d)
        self.hour_emb = nn.Embedding(168, d)
        self.zone_emb = nn.Embedding(cfg["n_zones"], d)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=2 * d, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(d, self.horizon * self.n_buckets)

    def forward(self, x, how, zone):
        h = self.value_proj(x.unsqueeze(-1)) + self.hour_emb(how) + self.zone_emb(zone)[:, None, :]
        h = self.encoder(h)
        logits = self.head(h[:, -1])
        return logits.view(-1, self.horizon, self.n_buckets)


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
        self.criterion = nn.CrossEntropyLoss()

    def step(self, batch):
        x, how, zone, y = batch
        logits = self.model(x, how, zone)
        loss = self.criterion(logits, y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct, total = 0, 0
        for x, how, zone, y in loader:
            pred = self.model(x, how, zone).argmax(-1)
            correct += (pred == y).sum().item()
            total += y.numel()
        self.model.train()
        return correct / total

    def fit(self, train_loader, val_loader):
        for epoch in range(self.cfg["epochs"]):
            losses = [self.step(b) for b in train_loader]
            acc = self.evaluate(val_loader)
            print(f"epoch {epoch}: loss={np.mean(losses):.4f} val_bucket_acc={acc:.3f}")


def main(cfg):
    torch.manual_seed(cfg["seed"])
    counts = simulate_requests(cfg)
    buckets, edges = demand_buckets(counts, cfg["n_buckets"])
    print("bucket edges (requests/hour):", np.round(edges, 1))
    split = int(counts.shape[1] * 0.8)
    train_ds = ZoneWindowDataset(counts, buckets, cfg["lookback"], cfg["horizon"], (0, split))
    val_ds = ZoneWindowDataset(counts, buckets, cfg["lookback"], cfg["horizon"], (split, counts.shape[1]))
    train_loader = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=128)
    print(f"{len(train_ds)} train windows, {len(val_ds)} val windows")
    model = DemandBucketForecaster(cfg)
    Trainer(model, cfg).fit(train_loader, val_loader)


if __name__ == "__main__":
    main(CONFIG)
