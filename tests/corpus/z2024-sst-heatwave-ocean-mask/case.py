"""Marine heatwave probability from ERA5-like SST fields.

A small transformer reads a regional sea-surface grid cut into patches. A
lead-time token (days ahead) is prepended to the patch sequence, and patches
that are mostly land are masked out of attention.
"""
import math

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(7)

N_LAT, N_LON = 24, 48          # 1-degree regional box
PATCH = 6
VARIABLES = ["sst", "sst_anom", "mld", "u10", "v10"]
MAX_LEAD_DAYS = 15
BATCH = 4


def synthetic_region(batch):
    lat = torch.linspace(-12, 12, N_LAT)
    lon = torch.linspace(140, 188, N_LON)
    lat2d, lon2d = torch.meshgrid(lat, lon, indexing="ij")
    base = 28.0 - 0.05 * lat2d.abs() + 0.5 * torch.sin(lon2d / 9.0)
    fields = []
    for _ in range(batch):
        sst = base + 0.3 * torch.randn(N_LAT, N_LON)
        anom = sst - base
        mld = 40 + 10 * torch.randn(N_LAT, N_LON)
        u10 = 5 * torch.randn(N_LAT, N_LON)
        v10 = 3 * torch.randn(N_LAT, N_LON)
        fields.append(torch.stack([sst, anom, mld, u10, v10]))
    grid = torch.stack(fields)
    # islands / coastline in the north-west corner
    land = ((lat2d > 4) & (lon2d < 158)).float()
    land_frac = land.unsqueeze(0).expand(batch, -1, -1)
    return grid, land_frac


def standardize(grid):
    mu = grid.mean(dim=(0, 2, 3), keepdim=True)
    sd = grid.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-6)
    return (grid - mu) / sd


def ocean_patch_mask(land_frac, patch, max_land=0.5):
    pooled = nn.functional.avg_pool2d(land_frac.unsqueeze(1), patch).squeeze(1)
    ocean = (pooled <= max_land).long()
    return ocean.flatten(1)


class LeadTimeEmbedding(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, dim))
        self.dim = dim

    def forward(self, lead_days):
        half = self.dim // 2
        freqs = torch.exp(-math.log(1000.0) * torch.arange(half) / half)
        ang = lead_days.float().unsqueeze(-1) * freqs
        return self.proj(torch.cat([ang.sin(), ang.cos()], dim=-1))


class HeatwaveTransformer(nn.Module):
    def __init__(self, n_vars, patch, hidden=32):
        super().__init__()
        self.patchify = nn.Conv2d(n_vars, hidden, kernel_size=patch, stride=patch)
        self.lead_embed = LeadTimeEmbedding(hidden)
        n_patches = (N_LAT // patch) * (N_LON // patch)
        cfg = BertConfig(
            vocab_size=4,
            hidden_size=hidden,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=4 * hidden,
            max_position_embeddings=n_patches + 8,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(hidden, 1)

    def forward(self, grid, lead_days, ocean_mask):
        tokens = self.patchify(grid).flatten(2).transpose(1, 2)
        lead_tok = self.lead_embed(lead_days).unsqueeze(1)
        seq = torch.cat([lead_tok, tokens], dim=1)
        out = self.encoder(inputs_embeds=seq, attention_mask=ocean_mask)
        return self.head(out.last_hidden_state[:, 1:]).squeeze(-1)


def heatwave_labels(grid, threshold=0.25):
    anom = grid[:, VARIABLES.index("sst_anom")]
    pooled = nn.functional.avg_pool2d(anom.unsqueeze(1), PATCH).flatten(1)
    return (pooled > threshold).float()


def main():
    raw, land_frac = synthetic_region(BATCH)
    targets = heatwave_labels(raw, threshold=0.02)
    grid = standardize(raw)
    ocean = ocean_patch_mask(land_frac, PATCH)
    lead_days = torch.randint(1, MAX_LEAD_DAYS + 1, (BATCH,))

    model = HeatwaveTransformer(len(VARIABLES), PATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")

    for step in range(5):
        logits = model(grid, lead_days, ocean)
        per_patch = loss_fn(logits, targets)
        loss = (per_patch * ocean.float()).sum() / ocean.sum().clamp_min(1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}  loss {loss.item():.4f}  ocean patches {int(ocean[0].sum())}")


if __name__ == "__main__":
    main()
