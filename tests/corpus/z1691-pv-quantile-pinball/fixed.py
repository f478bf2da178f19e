"""Probabilistic day-ahead forecast for a rooftop PV portfolio (P10 / P50 / P90).

Temporal conv encoder over the last 3 days of hourly yield + clear-sky index,
month and hour-of-day embeddings, one quantile channel per level.
Night hours are excluded from the pinball loss.
"""
import math
import torch
import torch.nn as nn

torch.manual_seed(21)

PAST_H = 72
AHEAD_H = 24
QUANTILES = torch.tensor([0.1, 0.5, 0.9])
N_SITES = 8
N_DAYS = 120


def clear_sky(hour, doy):
    decl = 23.45 * math.pi / 180 * torch.sin(2 * math.pi * (284 + doy) / 365)
    lat = torch.tensor(52.0 * math.pi / 180)
    ha = (hour - 12.0) * 15 * math.pi / 180
    elev = torch.sin(lat) * torch.sin(decl) + torch.cos(lat) * torch.cos(decl) * torch.cos(ha)
    return elev.clamp(min=0)


def make_portfolio():
    t = torch.arange(N_DAYS * 24)
    hour = (t % 24).float()
    doy = (t // 24 + 60).float()
    cs = clear_sky(hour, doy)
    cloud = torch.rand(N_SITES, N_DAYS).repeat_interleave(24, dim=1)
    kwp = torch.linspace(4, 12, N_SITES)[:, None]
    yield_kwh = kwp * cs * (0.25 + 0.75 * (1 - cloud)) + 0.05 * torch.randn(N_SITES, t.numel())
    yield_kwh = yield_kwh.clamp(min=0) / kwp
    month = ((doy - 1) // 30.4).long() % 12
    return yield_kwh, cs.expand(N_SITES, -1), (t % 24).expand(N_SITES, -1), month.expand(N_SITES, -1)


def to_windows(yield_kwh, cs, hod, month):
    feats, target, cal, daylight = [], [], [], []
    for start in range(0, yield_kwh.size(1) - PAST_H - AHEAD_H + 1, 24):
        mid, end = start + PAST_H, start + PAST_H + AHEAD_H
        feats.append(torch.stack([yield_kwh[:, start:mid], cs[:, start:mid]], dim=1))
        target.append(yield_kwh[:, mid:end])
        cal.append(torch.stack([hod[:, mid:end], month[:, mid:end]], dim=-1))
        daylight.append(cs[:, mid:end] > 0)
    cat = lambda xs: torch.cat(xs, dim=0)
    return cat(feats), cat(target), cat(cal), cat(daylight)


class PVQuantileNet(nn.Module):
    def __init__(self, n_q, hidden=32):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(2, hidden, kernel_size=5, padding=2), nn.GELU(),
            nn.Conv1d(hidden, hidden, kernel_size=5, padding=4, dilation=2), nn.GELU(),
        )
        self.squeeze = nn.Linear(hidden * PAST_H, hidden * AHEAD_H)
        self.hod = nn.Embedding(24, 8)
        self.month = nn.Embedding(12, 4)
        self.head = nn.Conv1d(hidden + 12, n_q, kernel_size=1)
        self.hidden = hidden

    def forward(self, feats, cal):
        b = feats.size(0)
        z = self.conv(feats).flatten(1)
        z = self.squeeze(z).view(b, self.hidden, AHEAD_H)
        c = torch.cat([self.hod(cal[..., 0]), self.month(cal[..., 1])], dim=-1)
        z = torch.cat([z, c.transpose(1, 2)], dim=1)
        return self.head(z)


def pinball(pred, target, daylight, quantiles):
    n_q = quantiles.numel()
    per_step = pred.transpose(1, 2).reshape(-1, n_q)
    flat_target = target.reshape(-1, 1)
    keep = daylight.reshape(-1)
    diff = flat_target[keep] - per_step[keep]
    return torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean()


def main():
    yield_kwh, cs, hod, month = make_portfolio()
    feats, target, cal, daylight = to_windows(yield_kwh, cs, hod, month)
    n = feats.size(0)
    split = int(0.85 * n)
    print(f"{n} site-days, features {tuple(feats.shape)}, calendar {tuple(cal.shape)}")

    model = PVQuantileNet(n_q=QUANTILES.numel())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(4):
        model.train()
        order = torch.randperm(split)
        for i in range(0, split, 64):
            idx = order[i:i + 64]
            out = model(feats[idx], cal[idx])
            loss = pinball(out, target[idx], daylight[idx], QUANTILES)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            out = model(feats[split:], cal[split:])
            val = pinball(out, target[split:], daylight[split:], QUANTILES)
            inside = ((target[split:] >= out[:, 0]) & (target[split:] <= out[:, 2]))
            cover = inside[daylight[split:]].float().mean()
        print(f"epoch {epoch} val pinball {val.item():.4f}  P10-P90 coverage {cover.item():.2f}")


if __name__ == "__main__":
    main()
