from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class EngineRunConfig:
    n_engines: int = 40
    n_sensors: int = 14
    window: int = 30
    stride: int = 5
    hidden: int = 64
    rul_thresholds: list = field(default_factory=lambda: [15, 50, 100])
    num_health_states: int = 4
    batch_size: int = 64
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 11


def simulate_fleet(cfg):
    rng = np.random.default_rng(cfg.seed)
    fleet = []
    for unit in range(cfg.n_engines):
        life = int(rng.integers(140, 260))
        t = np.arange(life)
        wear = (t / life) ** 2
        base = rng.normal(0, 1, cfg.n_sensors)
        sens_gain = rng.uniform(0.5, 2.0, cfg.n_sensors)
        readings = base + wear[:, None] * sens_gain + rng.normal(0, 0.15, (life, cfg.n_sensors))
        rul = life - 1 - t
        fleet.append({"unit": unit, "sensors": readings.astype(np.float32), "rul": rul})
    return fleet


def rul_to_state(rul, thresholds):
    # 0 = critical, higher = healthier
    return np.digitize(rul, thresholds)


class SensorWindows(Dataset):
    def __init__(self, fleet, cfg, mean=None, std=None):
        xs, ys = [], []
        for eng in fleet:
            s, rul = eng["sensors"], eng["rul"]
            for end in range(cfg.window, len(s) + 1, cfg.stride):
                xs.append(s[end - cfg.window:end])
                ys.append(rul_to_state(rul[end - 1], cfg.rul_thresholds))
        self.x = np.stack(xs)
        self.y = np.asarray(ys, dtype=np.int64)
        self.mean = self.x.reshape(-1, self.x.shape[-1]).mean(0) if mean is None else mean
        self.std = self.x.reshape(-1, self.x.shape[-1]).std(0) + 1e-6 if std is None else std
        self.x = (self.x - self.mean) / self.std

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return torch.from_numpy(self.x[i]).float(), torch.tensor(self.y[i])


class HealthStateGRU(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gru = nn.GRU(cfg.n_sensors, cfg.hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.norm = nn.LayerNorm(cfg.hidden)
        self.classifier = nn.Linear(cfg.hidden, cfg.num_health_states)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.classifier(self.norm(out[:, -1]))


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.crit = nn.CrossEntropyLoss()

    def fit_epoch(self, loader):
        self.model.train()
        total, n = 0.0, 0
        for xb, yb in loader:
            self.opt.zero_grad()
            loss = self.crit(self.model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            total += loss.item() * len(yb)
            n += len(yb)
        return total / n

    @torch.no_grad()
    def evaluate(self, loader):
        self.model.eval()
        correct = n = 0
        for xb, yb in loader:
            correct += (self.model(xb).argmax(-1) == yb).sum().item()
            n += len(yb)
        return correct / n


def main():
    cfg = EngineRunConfig()
    torch.manual_seed(cfg.seed)
    fleet = simulate_fleet(cfg)
    train_fleet, test_fleet = fleet[:32], fleet[32:]

    train_ds = SensorWindows(train_fleet, cfg)
    test_ds = SensorWindows(test_fleet, cfg, mean=train_ds.mean, std=train_ds.std)
    print(f"train windows={len(train_ds)} test windows={len(test_ds)}")

    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    test_dl = DataLoader(test_ds, batch_size=256)

    trainer = Trainer(HealthStateGRU(cfg), cfg)
    for epoch in range(cfg.epochs):
        loss = trainer.fit_epoch(train_dl)
        acc = trainer.evaluate(test_dl)
        print(f"epoch {epoch} loss={loss:.4f} test_acc={acc:.3f}")


if __name__ == "__main__":
    main()
