"""Next-hour temperature forecast from a station's recent hourly readings.

Each station reports (temperature, humidity, pressure) per hour; some stations
went offline early, so sequences are right-padded and carry a valid-hour count.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

N_STATIONS = 21
WINDOW_HOURS = 36
N_FEATURES = 3
BATCH_SIZE = 8


def simulate_stations(gen):
    hours = torch.arange(WINDOW_HOURS + 1).float()
    base = 10 + 8 * torch.rand(N_STATIONS, 1, generator=gen)
    temp = base + 5 * torch.sin(2 * math.pi * (hours - 9) / 24) + 0.5 * torch.randn(N_STATIONS, WINDOW_HOURS + 1, generator=gen)
    humid = 70 - 1.5 * (temp - base) + torch.randn(N_STATIONS, WINDOW_HOURS + 1, generator=gen)
    press = 1013 + torch.cumsum(0.3 * torch.randn(N_STATIONS, WINDOW_HOURS + 1, generator=gen), dim=1)
    valid_hours = torch.randint(20, WINDOW_HOURS + 1, (N_STATIONS,), generator=gen)
    readings = torch.stack([temp, humid, press], dim=-1)
    feats = torch.zeros(N_STATIONS, WINDOW_HOURS, N_FEATURES)
    target = torch.zeros(N_STATIONS)
    for s in range(N_STATIONS):
        n = valid_hours[s]
        feats[s, :n] = readings[s, :n]
        target[s] = temp[s, n]
    mu = feats.sum((0, 1)) / valid_hours.sum()
    feats = torch.where(feats != 0, (feats - mu) / torch.tensor([5.0, 10.0, 3.0]), feats)
    return feats, valid_hours, target


def hour_encoding(n_hours, dim):
    idx = torch.arange(n_hours).float().unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(1000.0) / dim))
    enc = torch.zeros(n_hours, dim)
    enc[:, 0::2] = torch.sin(idx * div)
    enc[:, 1::2] = torch.cos(idx * div)
    return enc


class HourlyAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.wq = nn.Linear(dim, dim)
        self.wk = nn.Linear(dim, dim)
        self.wv = nn.Linear(dim, dim)
        self.wo = nn.Linear(dim, dim)

    def forward(self, x, observed):
        b, t, d = x.shape
        split = lambda z: z.view(b, t, self.heads, d // self.heads).permute(0, 2, 1, 3)
        q, k, v = split(self.wq(x)), split(self.wk(x)), split(self.wv(x))
        logits = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(d // self.heads)
        logits = logits.masked_fill(~observed[:, None, None, :], -1e9)
        mixed = torch.einsum("bhqk,bhkd->bhqd", logits.softmax(-1), v)
        return self.wo(mixed.permute(0, 2, 1, 3).reshape(b, t, d))


def gather_last(hidden, valid_hours):
    picked = []
    for row in range(BATCH_SIZE):
        picked.append(hidden[row, valid_hours[row] - 1])
    return torch.stack(picked)


class StationForecaster(nn.Module):
    def __init__(self, dim=32, heads=4, depth=2):
        super().__init__()
        self.inp = nn.Linear(N_FEATURES, dim)
        self.register_buffer("hour_enc", hour_encoding(WINDOW_HOURS, dim))
        self.attn = nn.ModuleList([HourlyAttention(dim, heads) for _ in range(depth)])
        self.norms = nn.ModuleList([nn.LayerNorm(dim) for _ in range(depth)])
        self.out = nn.Linear(dim, 1)

    def forward(self, feats, valid_hours):
        observed = torch.arange(feats.size(1))[None, :] < valid_hours[:, None]
        h = self.inp(feats) + self.hour_enc[: feats.size(1)]
        for attn, norm in zip(self.attn, self.norms):
            h = norm(h + attn(h, observed))
        return self.out(gather_last(h, valid_hours)).squeeze(-1)


def main():
    gen = torch.Generator().manual_seed(11)
    torch.manual_seed(11)
    feats, valid_hours, target = simulate_stations(gen)
    t_mean, t_std = target.mean(), target.std()
    loader = DataLoader(TensorDataset(feats, valid_hours, (target - t_mean) / t_std),
                        batch_size=BATCH_SIZE, shuffle=True)
    model = StationForecaster()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for epoch in range(5):
        seen, total = 0, 0.0
        for x, hours, y in loader:
            pred = model(x, hours)
            loss = F.mse_loss(pred, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x.size(0)
            seen += x.size(0)
        print(f"epoch {epoch} mse {total / seen:.4f}")


if __name__ == "__main__":
    main()
