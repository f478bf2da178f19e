import math
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

CFG = {
    "n_zones": 40,
    "n_hours": 24 * 21,
    "max_history": 72,
    "min_history": 12,
    "d_model": 32,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 2,
    "seed": 3,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


def simulate_pickups(n_zones, n_hours, rng):
    """Hourly ride-hailing pickups per taxi zone; some zones only launch mid-way."""
    hours = np.arange(n_hours)
    hod = hours % 24
    dow = (hours // 24) % 7
    daily = 0.6 + 0.8 * np.exp(-((hod - 8) / 2.0) ** 2) + 1.0 * np.exp(-((hod - 18) / 2.5) ** 2)
    weekend = np.where(dow >= 5, 0.7 + 0.5 * np.exp(-((hod - 23) / 2.0) ** 2), 1.0)
    counts, launch = [], []
    for z in range(n_zones):
        scale = rng.gamma(2.0, 8.0)
        lam = scale * daily * weekend
        c = rng.poisson(lam).astype(np.float32)
        start = int(rng.integers(0, n_hours // 2)) if rng.random() < 0.4 else 0
        counts.append(c[start:])
        launch.append(start)
    return counts, launch


class ZoneDemandDataset(Dataset):
    def __init__(self, counts, launch, cfg, rng):
        self.samples = []
        for zone_id, (series, start) in enumerate(zip(counts, launch)):
            log_series = np.log1p(series)
            for _ in range(12):
                end = int(rng.integers(cfg["min_history"], len(series) - 1))
                hist_len = min(cfg["max_history"], end)
                hist = log_series[end - hist_len:end]
                hod = ((start + np.arange(end - hist_len, end)) % 24).astype(np.int64)
                self.samples.append({
                    "zone": zone_id,
                    "history": torch.tensor(hist, dtype=torch.float32),
                    "hour": torch.tensor(hod),
                    "target": float(log_series[end]),
                })

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]


def collate_zone_batch(batch):
    hist = pad_sequence([b["history"] for b in batch], batch_first=True)
    hour = pad_sequence([b["hour"] for b in batch], batch_first=True)
    lengths = torch.tensor([len(b["history"]) for b in batch])
    pad_mask = torch.arange(hist.size(1))[None, :] >= lengths[:, None]
    return {
        "zone": torch.tensor([b["zone"] for b in batch]),
        "history": hist.unsqueeze(-1),
        "hour": hour,
        "pad_mask": pad_mask,
        "target": torch.tensor([b["target"] for b in batch]),
    }


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class ZoneDemandTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.value_proj = nn.Linear(1, d)
        self.hour_emb = nn.Embedding(24, d)
        self.zone_emb = nn.Embedding(cfg["n_zones"], d)
        self.pos = SinusoidalPE(d)
        layer = nn.TransformerEncoderLayer(d, cfg["n_heads"], dim_feedforward=4 * d,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 1))

    def forward(self, zone, history, hour, pad_mask):
        steps = self.value_proj(history) + self.hour_emb(hour)
        zone_tok = self.zone_emb(zone).unsqueeze(1)
        seq = self.pos(torch.cat([zone_tok, steps], dim=1))
        enc = self.encoder(seq, src_key_padding_mask=pad_mask)
        return self.head(enc[:, 0]).squeeze(-1)


def train(cfg):
    rng = np.random.default_rng(cfg["seed"])
    counts, launch = simulate_pickups(cfg["n_zones"], cfg["n_hours"], rng)
    ds = ZoneDemandDataset(counts, launch, cfg, rng)
    loader = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate_zone_batch)

    model = ZoneDemandTransformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(cfg["epochs"]):
        model.train()
        running, n = 0.0, 0
        for batch in loader:
            target = batch.pop("target")
            pred = model(**batch)
            loss = loss_fn(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(target)
            n += len(target)
        print(f"epoch {epoch}: huber {running / n:.4f}")
    return model


if __name__ == "__main__":
    train(CFG)
