"""Bias-correct gridded 2 m temperature against SYNOP stations.

A small CNN takes ERA5-like surface fields and predicts a correction to
t2m. The corrected field is sampled at the grid cell nearest to each
station and compared with the station observation.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(11)
rng = np.random.default_rng(11)

VARS = ["t2m", "d2m", "u10", "v10", "sp", "orog"]
LATS = np.linspace(58.0, 42.0, 33)      # north to south, as in ERA5
LONS = np.linspace(-6.0, 18.0, 49)
N_DAYS = 8


def write_climatology(path, n_years=20):
    """Per-variable mean/std over a fake multi-year archive, saved to disk."""
    shape = (n_years, len(VARS), len(LATS), len(LONS))
    offsets = np.array([283.0, 278.0, 1.0, 0.5, 1.0e5, 400.0])[None, :, None, None]
    scales = np.array([6.0, 5.0, 4.0, 4.0, 900.0, 350.0])[None, :, None, None]
    archive = offsets + scales * rng.standard_normal(shape)
    np.savez(path, mean=archive.mean(axis=(0, 2, 3)), std=archive.std(axis=(0, 2, 3)))


def load_climatology(path):
    clim = np.load(path)
    mean = torch.from_numpy(clim["mean"]).view(1, -1, 1, 1)
    std = torch.from_numpy(clim["std"]).view(1, -1, 1, 1)
    return mean, std


def daily_fields(n_days):
    lat2d = torch.tensor(LATS, dtype=torch.float32)[:, None].expand(len(LATS), len(LONS))
    base_t = 300.0 - 0.6 * lat2d
    days = []
    for _ in range(n_days):
        t2m = base_t + 2.0 * torch.randn_like(base_t)
        d2m = t2m - 4.0 - torch.rand_like(base_t) * 3
        u10 = 4.0 * torch.randn_like(base_t)
        v10 = 4.0 * torch.randn_like(base_t)
        sp = 1.0e5 + 600.0 * torch.randn_like(base_t)
        orog = 300.0 + 200.0 * torch.rand_like(base_t)
        days.append(torch.stack([t2m, d2m, u10, v10, sp, orog]))
    return torch.stack(days)


def nearest_cells(st_lat, st_lon):
    """Flat index of the grid cell nearest to each station."""
    i = np.abs(LATS[None, :] - st_lat[:, None]).argmin(axis=1)
    j = np.abs(LONS[None, :] - st_lon[:, None]).argmin(axis=1)
    return torch.from_numpy(i * len(LONS) + j)


class T2mCorrector(nn.Module):
    def __init__(self, n_in, width=24):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(n_in, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.SiLU(),
            nn.Conv2d(width, 1, 1),
        )

    def forward(self, fields_norm, t2m_raw):
        return t2m_raw + self.net(fields_norm).squeeze(1)


def main():
    tmp = tempfile.mkdtemp()
    clim_path = os.path.join(tmp, "era5_clim.npz")
    write_climatology(clim_path)
    clim_mean, clim_std = load_climatology(clim_path)

    fields = daily_fields(N_DAYS)
    fields_norm = (fields - clim_mean) / clim_std
    t2m_raw = fields[:, VARS.index("t2m")]

    n_st = 25
    st_lat = rng.uniform(LATS.min(), LATS.max(), n_st)
    st_lon = rng.uniform(LONS.min(), LONS.max(), n_st)
    cell_idx = nearest_cells(st_lat, st_lon)
    obs = t2m_raw.flatten(1)[:, cell_idx] + 1.2 + 0.5 * torch.randn(N_DAYS, n_st)

    model = T2mCorrector(len(VARS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(4):
        corrected = model(fields_norm, t2m_raw)
        at_stations = corrected.flatten(1).index_select(1, cell_idx)
        rmse = torch.sqrt(nn.functional.mse_loss(at_stations, obs))
        opt.zero_grad()
        rmse.backward()
        opt.step()
        print(f"epoch {epoch}  station RMSE {rmse.item():.3f} K")


if __name__ == "__main__":
    main()
