"""Bias-correct a gridded precipitation forecast against rain-gauge stations.

A small CNN maps the (lat, lon) forecast field to a corrected field; the loss
is evaluated only at the grid cells that contain a gauge station.
"""
import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn


@dataclass
class Grid:
    lat0: float
    lon0: float
    dlat: float
    dlon: float
    nlat: int
    nlon: int

    @property
    def lats(self):
        return self.lat0 + self.dlat * np.arange(self.nlat)

    @property
    def lons(self):
        return self.lon0 + self.dlon * np.arange(self.nlon)


def parse(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-days", type=int, default=60)
    ap.add_argument("--n-stations", type=int, default=40)
    ap.add_argument("--res", type=float, default=0.5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-3)
    return ap.parse_args(argv)


def fake_forecast(grid, n_days, rng):
    lat2d, lon2d = np.meshgrid(grid.lats, grid.lons, indexing="ij")
    orog = np.exp(-((lat2d - 47.0) ** 2 + (lon2d - 10.0) ** 2) / 4.0)
    pr = rng.gamma(0.6, 3.0, size=(n_days, grid.nlat, grid.nlon)) * (1.0 + 2.0 * orog)
    return pr.astype(np.float32), orog


def fake_stations(grid, n_stations, rng):
    st_lat = rng.uniform(grid.lats[0], grid.lats[-1], n_stations)
    st_lon = rng.uniform(grid.lons[0], grid.lons[-1], n_stations)
    return st_lat, st_lon


def cell_of(grid, st_lat, st_lon):
    ilat = np.clip(np.floor((st_lat - grid.lat0) / grid.dlat + 0.5), 0, grid.nlat - 1)
    ilon = np.clip(np.floor((st_lon - grid.lon0) / grid.dlon + 0.5), 0, grid.nlon - 1)
    return (ilat * grid.nlon + ilon).astype(np.int64)


def gauge_obs(forecast, flat_cells, rng):
    n_days = forecast.shape[0]
    at_cells = forecast.reshape(n_days, -1)[:, flat_cells.astype(np.int64)]
    return (0.7 * at_cells + rng.normal(0.0, 0.3, at_cells.shape)).clip(0.0).astype(np.float32)


class Corrector(nn.Module):
    def __init__(self, ch=8):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(2, ch, 3, padding=1), nn.GELU(),
            nn.Conv2d(ch, ch, 3, padding=1), nn.GELU(),
            nn.Conv2d(ch, 1, 1),
        )

    def forward(self, pr, orog):
        x = torch.cat([torch.log1p(pr), orog.expand_as(pr)], dim=1)
        return nn.functional.softplus(self.net(x))


def station_loss(pred, obs, cells):
    at_gauges = pred.flatten(1).index_select(1, cells)
    return nn.functional.l1_loss(at_gauges, obs)


def main():
    args = parse(["--n-days", "60", "--n-stations", "40", "--epochs", "3"])
    rng = np.random.default_rng(11)
    torch.manual_seed(11)

    grid = Grid(lat0=43.0, lon0=5.0, dlat=args.res, dlon=args.res, nlat=18, nlon=24)
    pr, orog = fake_forecast(grid, args.n_days, rng)
    st_lat, st_lon = fake_stations(grid, args.n_stations, rng)
    flat_cells = cell_of(grid, st_lat, st_lon)
    obs = gauge_obs(pr, flat_cells, rng)
    print("forecast", pr.shape, "gauges", obs.shape, "unique cells", len(np.unique(flat_cells)))

    pr_t = torch.from_numpy(pr)[:, None]
    orog_t = torch.from_numpy(orog.astype(np.float32))[None, None]
    obs_t = torch.from_numpy(obs)
    cells = torch.from_numpy(flat_cells)

    model = Corrector()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    n_train = 45
    for epoch in range(args.epochs):
        for d0 in range(0, n_train, 15):
            pred = model(pr_t[d0:d0 + 15], orog_t)
            loss = station_loss(pred, obs_t[d0:d0 + 15], cells)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = station_loss(model(pr_t[n_train:], orog_t), obs_t[n_train:], cells)
        print(f"epoch {epoch} val MAE {val.item():.3f} mm/day")


if __name__ == "__main__":
    main()
