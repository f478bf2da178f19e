"""Swarm-risk classifier from hive scale readings + in-hive acoustic band power.

Each hive contributes `days` days of data: the scale logs weight every
`scale_interval_min` minutes, the microphone gives band-power frames every
`sound_frame_min` minutes. Sound is pooled down to the scale resolution and
concatenated with nectar-flow features computed from the weight trace.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

CFG = {
    "n_hives": 24,
    "days": 4,
    "sound_frame_min": 5,
    "scale_interval_min": 10,
    "steps_per_day": 288,
    "n_bands": 8,
    "hidden": 32,
    "batch_size": 8,
    "epochs": 2,
    "lr": 1e-3,
    "seed": 7,
}


def simulate_apiary(cfg, rng):
    readings_per_day = 24 * 60 // cfg["scale_interval_min"]
    hives = []
    for _ in range(cfg["n_hives"]):
        swarmed = rng.random() < 0.35
        weight_days, sound_days = [], []
        base = rng.uniform(30.0, 48.0)
        for d in range(cfg["days"]):
            t = np.linspace(0, 2 * np.pi, readings_per_day)
            forage_dip = -0.4 * np.clip(np.sin(t - np.pi / 2), 0, None)
            gain = 0.25 * d + rng.normal(0, 0.03, readings_per_day).cumsum() * 0.1
            w = base + gain + forage_dip
            if swarmed and d == cfg["days"] - 1:
                w[readings_per_day // 2:] -= rng.uniform(1.2, 2.5)
            weight_days.append(w.astype(np.float32))

            s = rng.normal(0.0, 1.0, (cfg["steps_per_day"], cfg["n_bands"]))
            if swarmed:
                s[:, 2:4] += np.linspace(0, 1.5, cfg["steps_per_day"])[:, None] * (d + 1) / cfg["days"]
            sound_days.append(s.astype(np.float32))
        hives.append({
            "weight": np.stack(weight_days),
            "sound": np.stack(sound_days),
            "swarm": float(swarmed),
        })
    return hives


def weight_flow_features(weight_day, n_steps, alpha=0.1):
    feats = torch.zeros(n_steps, 3)
    ema = weight_day[0].clone()
    for t in range(1, n_steps):
        ema = (1 - alpha) * ema + alpha * weight_day[t]
        feats[t, 0] = weight_day[t] - weight_day[t - 1]
        feats[t, 1] = weight_day[t] - weight_day[0]
        feats[t, 2] = weight_day[t] - ema
    return feats


def pool_sound(sound_day, factor):
    frames, bands = sound_day.shape
    return sound_day.view(frames // factor, factor, bands).mean(dim=1)


class HiveDayDataset(Dataset):
    def __init__(self, hives, cfg):
        self.hives = hives
        self.cfg = cfg
        self.pool = cfg["scale_interval_min"] // cfg["sound_frame_min"]

    def __len__(self):
        return len(self.hives)

    def __getitem__(self, idx):
        hive = self.hives[idx]
        weight = torch.from_numpy(hive["weight"])
        sound = torch.from_numpy(hive["sound"])
        per_day = []
        for d in range(weight.shape[0]):
            wf = weight_flow_features(weight[d], weight.shape[1])
            sf = pool_sound(sound[d], self.pool)
            sf = (sf - sf.mean(0)) / (sf.std(0) + 1e-6)
            per_day.append(torch.cat([wf, sf], dim=-1))
        x = torch.cat(per_day, dim=0)
        return x, torch.tensor(hive["swarm"])


class SwarmRiskGRU(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(n_in)
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x):
        _, h = self.gru(self.norm(x))
        return self.head(h[-1]).squeeze(-1)


def train(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    hives = simulate_apiary(cfg, rng)
    split = int(0.75 * len(hives))
    train_ds = HiveDayDataset(hives[:split], cfg)
    val_ds = HiveDayDataset(hives[split:], cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg["batch_size"])

    model = SwarmRiskGRU(3 + cfg["n_bands"], cfg["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg["epochs"]):
        model.train()
        total = 0.0
        for x, y in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in val_dl:
                correct += ((model(x) > 0).float() == y).sum().item()
        print(f"epoch {epoch}: train_loss={total / len(train_ds):.4f} val_acc={correct / len(val_ds):.2f}")


if __name__ == "__main__":
    train(CFG)
