"""Regional 2m-temperature forecaster: ERA5-like channels -> patch tokens -> transformer,
conditioned on forecast lead time, predicting area-mean T2m anomaly at several lead steps."""
import math
import torch
import torch.nn as nn

torch.manual_seed(0)

VARIABLES = ["t2m", "u10", "v10", "msl", "tcwv", "z500"]
N_LAT, N_LON = 32, 64
PATCH = 8
D_MODEL = 64
LEAD_EMB_DIM = 16
MAX_LEAD_HOURS = 240
N_QUANTILES = 3


def make_fake_era5(n_samples):
    """Random fields stacked as channels, with a crude latitude gradient in t2m."""
    lat = torch.linspace(-60, 60, N_LAT)
    fields = torch.randn(n_samples, len(VARIABLES), N_LAT, N_LON)
    fields[:, 0] += torch.cos(torch.deg2rad(lat))[None, :, None] * 2.0
    lead_hours = torch.randint(6, MAX_LEAD_HOURS + 1, (n_samples,)) // 6 * 6
    target = fields[:, 0].mean(dim=(1, 2)) * 0.5 - lead_hours.float() / MAX_LEAD_HOURS
    target = target[:, None].repeat(1, N_QUANTILES)
    return fields, lead_hours, target


class PatchEmbed(nn.Module):
    def __init__(self, in_ch, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(in_ch, dim, kernel_size=patch, stride=patch)

    def forward(self, grid):
        tokens = self.proj(grid)                       # (B, D, H/p, W/p)
        return tokens.flatten(2).transpose(1, 2)       # (B, N, D)


class LeadTimeEmbedding(nn.Module):
    """Sinusoidal encoding of lead time in hours followed by a small MLP."""

    def __init__(self, dim, max_hours):
        super().__init__()
        self.dim = dim
        self.max_hours = max_hours
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, hours):
        half = self.dim // 2
        freqs = torch.exp(-math.log(self.max_hours) * torch.arange(half) / half)
        ang = hours.float()[:, None] * freqs[None, :]
        return self.mlp(torch.cat([ang.sin(), ang.cos()], dim=-1))


class RegionalForecaster(nn.Module):
    def __init__(self, n_vars, d_model, lead_dim, n_out):
        super().__init__()
        self.embed = PatchEmbed(n_vars, PATCH, d_model)
        n_patches = (N_LAT // PATCH) * (N_LON // PATCH)
        self.pos = nn.Parameter(torch.zeros(1, n_patches, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=2 * d_model,
                                           batch_first=True, dropout=0.0)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.lead_embed = LeadTimeEmbedding(lead_dim, MAX_LEAD_HOURS)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Sequential(
            nn.Linear(d_model, d_model),
            nn.GELU(),
            nn.Linear(d_model, n_out),
        )

    def forward(self, grid, lead_hours):
        tok = self.embed(grid) + self.pos
        tok = self.encoder(tok)
        pooled = self.norm(tok.mean(dim=1))
        lead = self.lead_embed(lead_hours)
        feats = torch.cat([pooled, lead], dim=-1)
        return self.head(feats)


def pinball_loss(pred, target, quantiles):
    diff = target - pred
    q = torch.tensor(quantiles)[None, :]
    return torch.maximum(q * diff, (q - 1) * diff).mean()


def main():
    fields, lead_hours, target = make_fake_era5(96)
    mu = fields.mean(dim=(0, 2, 3), keepdim=True)
    sd = fields.std(dim=(0, 2, 3), keepdim=True)
    fields = (fields - mu) / sd

    model = RegionalForecaster(len(VARIABLES), D_MODEL, LEAD_EMB_DIM, N_QUANTILES)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-2)
    quantiles = [0.1, 0.5, 0.9]

    batch_size = 16
    for epoch in range(2):
        perm = torch.randperm(fields.shape[0])
        running = 0.0
        for i in range(0, len(perm), batch_size):
            idx = perm[i:i + batch_size]
            pred = model(fields[idx], lead_hours[idx])
            loss = pinball_loss(pred, target[idx], quantiles)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch}: pinball {running / len(perm):.4f}")

    model.eval()
    with torch.no_grad():
        sample = fields[:4]
        for h in (24, 72, 168):
            out = model(sample, torch.full((4,), h))
            print(f"lead {h:3d}h  median T2m anomaly: {out[:, 1].mean().item():+.3f}")


if __name__ == "__main__":
    main()
