import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

N_STATIONS = 12
HOURS = 48
N_FEATURES = 5          # temp, humidity, pressure, wind_u, wind_v
PATCH = 2
D_MODEL = 32
N_HEADS = 4
MAX_REL = 16


def make_readings(n_stations, hours):
    t = torch.arange(hours).float()
    daily = torch.sin(2 * math.pi * t / 24.0)
    base = torch.stack([
        15 + 8 * daily,
        60 - 20 * daily,
        1013 + 2 * torch.cos(2 * math.pi * t / 48.0),
        3 * torch.sin(t / 7.0),
        2 * torch.cos(t / 5.0),
    ], dim=-1)
    noise = 0.5 * torch.randn(n_stations, hours, base.size(-1))
    readings = base.unsqueeze(0) + noise
    # next-day max temperature as regression target
    target = readings[:, 24:, 0].max(dim=1).values + 0.3 * torch.randn(n_stations)
    return readings, target


class PatchEmbed(nn.Module):
    def __init__(self, n_feat, patch, d_model):
        super().__init__()
        self.patch = patch
        self.proj = nn.Linear(n_feat * patch, d_model)

    def forward(self, series):
        b, t, f = series.shape
        patches = series.reshape(b, t // self.patch, self.patch * f)
        return self.proj(patches)


class RelBiasAttention(nn.Module):
    def __init__(self, d_model, n_heads, max_rel):
        super().__init__()
        self.h = n_heads
        self.dk = d_model // n_heads
        self.max_rel = max_rel
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.rel_table = nn.Parameter(torch.zeros(n_heads, 2 * max_rel + 1))

    def relative_bias(self, n_steps, n_tokens):
        bias = torch.zeros(self.h, n_tokens, n_tokens)
        for qi in range(n_steps):
            for ki in range(n_steps):
                off = max(-self.max_rel, min(self.max_rel, ki - qi))
                bias[:, qi, ki] = self.rel_table[:, off + self.max_rel]
        return bias

    def forward(self, x, n_steps):
        b, n, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(b, n, self.h, self.dk).transpose(1, 2)
        k = k.view(b, n, self.h, self.dk).transpose(1, 2)
        v = v.view(b, n, self.h, self.dk).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.dk)
        scores = scores + self.relative_bias(n_steps, n).unsqueeze(0)
        attn = F.softmax(scores, dim=-1)
        ctx = (attn @ v).transpose(1, 2).reshape(b, n, d)
        return self.out(ctx)


class StationForecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = PatchEmbed(N_FEATURES, PATCH, D_MODEL)
        self.attn = RelBiasAttention(D_MODEL, N_HEADS, MAX_REL)
        self.norm1 = nn.LayerNorm(D_MODEL)
        self.ff = nn.Sequential(nn.Linear(D_MODEL, 64), nn.GELU(), nn.Linear(64, D_MODEL))
        self.norm2 = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, 1)

    def forward(self, readings):
        tokens = self.embed(readings)
        tokens = self.norm1(tokens + self.attn(tokens, tokens.size(1)))
        tokens = self.norm2(tokens + self.ff(tokens))
        return self.head(tokens.mean(dim=1)).squeeze(-1)


def standardize(readings):
    mu = readings.mean(dim=(0, 1), keepdim=True)
    sd = readings.std(dim=(0, 1), keepdim=True) + 1e-6
    return (readings - mu) / sd


def main():
    readings, target = make_readings(N_STATIONS, HOURS)
    readings = standardize(readings)
    t_mu, t_sd = target.mean(), target.std()
    target_n = (target - t_mu) / t_sd

    model = StationForecaster()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(15):
        perm = torch.randperm(N_STATIONS)
        total = 0.0
        for start in range(0, N_STATIONS, 4):
            idx = perm[start:start + 4]
            pred = model(readings[idx])
            loss = F.mse_loss(pred, target_n[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  mse {total / N_STATIONS:.4f}")

    with torch.no_grad():
        pred = model(readings) * t_sd + t_mu
    print("mean abs error (degC):", (pred - target).abs().mean().item())


if __name__ == "__main__":
    main()
