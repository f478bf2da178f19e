import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader


@dataclass
class SeriesConfig:
    n_neighbourhoods: int = 120
    min_months: int = 18
    max_months: int = 60
    n_features: int = 5          # median price, listings, days on market, sale/list ratio, rent
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    batch_size: int = 16
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 7


def simulate_neighbourhoods(cfg):
    rng = np.random.default_rng(cfg.seed)
    records = []
    for hood_id in range(cfg.n_neighbourhoods):
        months = int(rng.integers(cfg.min_months, cfg.max_months + 1))
        t = np.arange(months)
        base = rng.uniform(250_000, 1_200_000)
        growth = rng.normal(0.003, 0.002)
        season = 0.02 * np.sin(2 * math.pi * t / 12 + rng.uniform(0, 2 * math.pi))
        price = base * np.exp(growth * t + season + rng.normal(0, 0.01, months).cumsum())
        listings = rng.poisson(40, months) + 5
        dom = np.clip(rng.normal(35, 10, months), 3, None)
        ratio = rng.normal(0.99, 0.02, months)
        rent = price * rng.uniform(0.003, 0.005)
        feats = np.stack([np.log(price), np.log(listings), dom / 30.0, ratio, np.log(rent)], axis=1)
        target = np.log(price[-1] * np.exp(growth * 3))  # log median price 3 months ahead
        records.append((hood_id, feats.astype(np.float32), np.float32(target)))
    return records


class NeighbourhoodSeries(Dataset):
    def __init__(self, records):
        feats = np.concatenate([r[1] for r in records])
        self.mu, self.sd = feats.mean(0), feats.std(0) + 1e-6
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        hood_id, feats, target = self.records[i]
        x = (feats - self.mu) / self.sd
        return torch.from_numpy(x), torch.tensor(target)


def collate_series(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([x.shape[0] for x in xs])
    padded = pad_sequence(xs, batch_first=True)
    pad_mask = torch.arange(padded.shape[1])[None, :] >= lengths[:, None]
    return padded, pad_mask, torch.stack(ys)


class SinusoidalPE(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class PriceTrendEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_proj = nn.Linear(cfg.n_features, cfg.d_model)
        self.reg_token = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        self.pos = SinusoidalPE(cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.d_model), nn.Linear(cfg.d_model, 1))

    def forward(self, x, pad_mask):
        h = self.input_proj(x)
        reg = self.reg_token.expand(h.size(0), -1, -1)
        h = self.pos(torch.cat([reg, h], dim=1))
        pad_mask = torch.cat([pad_mask.new_zeros(pad_mask.size(0), 1), pad_mask], dim=1)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0]).squeeze(-1)


def run(cfg):
    torch.manual_seed(cfg.seed)
    records = simulate_neighbourhoods(cfg)
    split = int(0.8 * len(records))
    train_ds = NeighbourhoodSeries(records[:split])
    val_ds = NeighbourhoodSeries(records[split:])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_series)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate_series)

    model = PriceTrendEncoder(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    y_mean = float(np.mean([r[2] for r in records[:split]]))

    for epoch in range(cfg.epochs):
        model.train()
        for x, pad_mask, y in train_dl:
            pred = model(x, pad_mask) + y_mean
            loss = nn.functional.mse_loss(pred, y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        model.eval()
        with torch.no_grad():
            errs = [(model(x, m) + y_mean - y).abs() for x, m, y in val_dl]
        print(f"epoch {epoch}: train mse {loss.item():.4f}  val MAE(log) {torch.cat(errs).mean():.4f}")


if __name__ == "__main__":
    run(SeriesConfig())
