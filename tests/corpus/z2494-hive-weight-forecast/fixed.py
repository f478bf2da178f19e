"""Forecast next-week hive weight change from scale + weather telemetry."""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class ForecastConfig:
    n_hives: int = 12
    n_days: int = 240
    window: int = 28
    horizon: int = 7
    features: tuple = ("weight_kg", "temp_c", "humidity", "rain_mm", "hive_temp_c")
    hidden: int = 48
    season_dim: int = 8
    lr: float = 2e-3
    epochs: int = 2
    batch_size: int = 32
    device: str = "cpu"
    seed: int = 3
    start_doy: int = 80
    extra: dict = field(default_factory=lambda: {"grad_clip": 1.0})


def simulate_apiary(cfg):
    rng = np.random.default_rng(cfg.seed)
    doy = (cfg.start_doy + np.arange(cfg.n_days)) % 366
    flow = np.clip(np.sin((doy - 90) / 366 * 2 * np.pi), 0, None)
    series = []
    for _ in range(cfg.n_hives):
        temp = 12 + 10 * np.sin((doy - 110) / 366 * 2 * np.pi) + rng.normal(0, 2, cfg.n_days)
        hum = 65 + rng.normal(0, 8, cfg.n_days)
        rain = rng.exponential(1.5, cfg.n_days) * (rng.random(cfg.n_days) < 0.3)
        gain = 0.8 * flow * (temp > 14) - 0.05 - 0.2 * (rain > 3)
        weight = 35 + np.cumsum(gain + rng.normal(0, 0.15, cfg.n_days))
        hive_temp = 34 + rng.normal(0, 0.6, cfg.n_days)
        series.append(np.stack([weight, temp, hum, rain, hive_temp], axis=1).astype(np.float32))
    return np.stack(series), doy.astype(np.int64)


class ScaleWindows(Dataset):
    def __init__(self, series, doy, cfg):
        self.x, self.doy, self.cfg = series, doy, cfg
        self.mu = series.reshape(-1, series.shape[-1]).mean(0)
        self.sd = series.reshape(-1, series.shape[-1]).std(0) + 1e-6
        last = cfg.n_days - cfg.window - cfg.horizon
        self.index = [(h, s) for h in range(series.shape[0]) for s in range(last)]

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):
        h, s = self.index[i]
        w = self.cfg.window
        x = (self.x[h, s:s + w] - self.mu) / self.sd
        delta = self.x[h, s + w + self.cfg.horizon - 1, 0] - self.x[h, s + w - 1, 0]
        return torch.from_numpy(x), torch.from_numpy(self.doy[s:s + w]), torch.tensor(delta)


def seasonal_table(dim, days=366):
    pos = torch.arange(days, dtype=torch.float32)[:, None]
    freq = torch.arange(1, dim // 2 + 1, dtype=torch.float32)[None, :]
    ang = 2 * math.pi * pos * freq / days
    return torch.cat([ang.sin(), ang.cos()], dim=1)


class WeightForecaster(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n_in = len(cfg.features)
        self.register_buffer("season", seasonal_table(cfg.season_dim), persistent=False)
        self.inp = nn.Linear(n_in + cfg.season_dim, cfg.hidden)
        self.rnn = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.out = nn.Sequential(nn.Linear(cfg.hidden, cfg.hidden // 2), nn.GELU(),
                                 nn.Linear(cfg.hidden // 2, 1))

    def init_weights(self):
        self.season.copy_(seasonal_table(self.season.shape[1]))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.GRU):
                for name, p in m.named_parameters():
                    if "weight" in name:
                        nn.init.orthogonal_(p)
                    else:
                        nn.init.zeros_(p)

    def forward(self, x, doy):
        season = self.season[doy]
        h = torch.relu(self.inp(torch.cat([x, season], dim=-1)))
        h, _ = self.rnn(h)
        return self.out(h[:, -1]).squeeze(-1)


def build_model(cfg):
    with torch.device("meta"):
        model = WeightForecaster(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"WeightForecaster: {n_params} parameters")
    model = model.to_empty(device=cfg.device)
    model.init_weights()
    return model


def main():
    cfg = ForecastConfig()
    torch.manual_seed(cfg.seed)
    series, doy = simulate_apiary(cfg)
    ds = ScaleWindows(series, doy, cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    model = build_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        losses = []
        for x, d, y in loader:
            x, d, y = x.to(cfg.device), d.to(cfg.device), y.to(cfg.device)
            pred = model(x, d)
            loss = nn.functional.smooth_l1_loss(pred, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg.extra["grad_clip"])
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: huber {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
