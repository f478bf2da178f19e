from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class EngineCfg:
    n_engines: int = 16
    n_sensors: int = 14
    window: int = 30
    stride: int = 5
    fail_horizon: int = 25
    hidden: int = 32
    batch_size: int = 64
    epochs: int = 3
    max_lr: float = 3e-3
    seed: int = 3
    sensor_names: list = field(default_factory=lambda: [
        "T24", "T30", "T50", "P30", "Nf", "Nc", "Ps30", "phi", "NRf", "NRc", "BPR", "htBleed", "W31", "W32"])


def simulate_fleet(cfg):
    rng = np.random.default_rng(cfg.seed)
    runs = []
    for eng in range(cfg.n_engines):
        life = int(rng.integers(120, 260))
        t = np.arange(life)
        base = rng.normal(0, 1, cfg.n_sensors)
        drift_rate = rng.uniform(0.5, 1.5, cfg.n_sensors) * rng.choice([-1, 1], cfg.n_sensors)
        wear = np.exp((t - life) / 40.0)[:, None]
        x = base + drift_rate * wear + rng.normal(0, 0.25, (life, cfg.n_sensors))
        rul = life - 1 - t
        runs.append((x.astype(np.float32), rul))
    return runs


def make_windows(runs, cfg):
    xs, ys = [], []
    for x, rul in runs:
        for end in range(cfg.window, len(x) + 1, cfg.stride):
            xs.append(x[end - cfg.window:end])
            ys.append(float(rul[end - 1] <= cfg.fail_horizon))
    return torch.tensor(np.stack(xs)), torch.tensor(ys)


class SensorGRU(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm = nn.LayerNorm(cfg.n_sensors)
        self.gru = nn.GRU(cfg.n_sensors, cfg.hidden, batch_first=True, num_layers=2, dropout=0.1)
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, x):
        h, _ = self.gru(self.norm(x))
        return self.out(h[:, -1]).squeeze(-1)


class Trainer:
    def __init__(self, cfg, model, train_ds, val_ds):
        self.cfg = cfg
        self.model = model
        self.train_loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
        self.val_loader = DataLoader(val_ds, batch_size=256)
        pos_frac = train_ds.tensors[1].mean().item()
        self.loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos_frac) / max(pos_frac, 1e-3)))
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=1e-4)
        steps_per_epoch = len(train_ds) // cfg.batch_size
        self.sched = torch.optim.lr_scheduler.OneCycleLR(
            self.opt, max_lr=cfg.max_lr, total_steps=cfg.epochs * steps_per_epoch, pct_start=0.3)

    def train_epoch(self):
        self.model.train()
        running = 0.0
        for xb, yb in self.train_loader:
            loss = self.loss_fn(self.model(xb), yb)
            self.opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self.sched.step()
            running += loss.item() * len(xb)
        return running / len(self.train_loader.dataset)

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        tp = fp = fn = 0
        for xb, yb in self.val_loader:
            pred = (torch.sigmoid(self.model(xb)) > 0.5).float()
            tp += (pred * yb).sum().item()
            fp += (pred * (1 - yb)).sum().item()
            fn += ((1 - pred) * yb).sum().item()
        prec = tp / max(tp + fp, 1)
        rec = tp / max(tp + fn, 1)
        return prec, rec

    def fit(self):
        for ep in range(self.cfg.epochs):
            loss = self.train_epoch()
            prec, rec = self.evaluate()
            print(f"ep {ep} loss {loss:.4f} precision {prec:.3f} recall {rec:.3f} "
                  f"lr {self.sched.get_last_lr()[0]:.2e}")


def main():
    cfg = EngineCfg()
    torch.manual_seed(cfg.seed)
    runs = simulate_fleet(cfg)
    n_val = 4
    x_tr, y_tr = make_windows(runs[:-n_val], cfg)
    x_va, y_va = make_windows(runs[-n_val:], cfg)
    print(f"train windows {len(x_tr)}, val windows {len(x_va)}, positive rate {y_tr.mean():.3f}")
    trainer = Trainer(cfg, SensorGRU(cfg), TensorDataset(x_tr, y_tr), TensorDataset(x_va, y_va))
    trainer.fit()


if __name__ == "__main__":
    main()
