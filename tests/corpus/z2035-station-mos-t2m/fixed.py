"""Station-based bias correction (MOS) of an NWP 2m-temperature forecast.
Each synoptic station is matched to its nearest grid cell; the gridded predictors at that cell,
plus station elevation and the model-orography difference, go into a small MLP that predicts
the observed T2m."""
import os
import tempfile
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
rng = np.random.default_rng(7)

LATS = torch.linspace(44.0, 56.0, 25)        # 0.5 degree grid
LONS = torch.linspace(2.0, 18.0, 33)
PREDICTORS = ["t2m", "d2m", "tcc", "u10", "v10", "orog"]
N_STATIONS = 60
N_DAYS = 30


def write_station_file(path):
    lat = rng.uniform(44.2, 55.8, N_STATIONS)
    lon = rng.uniform(2.2, 17.8, N_STATIONS)
    elev = rng.gamma(2.0, 150.0, N_STATIONS)
    with open(path, "w") as fh:
        fh.write("wmo_id,lat,lon,elev_m\n")
        for k in range(N_STATIONS):
            fh.write(f"{10000 + k},{lat[k]:.3f},{lon[k]:.3f},{elev[k]:.1f}\n")


def load_stations(path):
    table = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float32)
    wmo_ids = table[:, 0].astype(int)
    coords = torch.from_numpy(table[:, 1:3])
    elev = torch.from_numpy(table[:, 3])
    return wmo_ids, coords, elev


def fake_forecast_fields(n_days):
    fields = torch.randn(n_days, len(PREDICTORS), len(LATS), len(LONS))
    fields[:, 0] = 285.0 - 0.6 * (LATS[None, :, None] - 44.0) + 2.0 * fields[:, 0]
    fields[:, 1] = fields[:, 0] - 3.0 - fields[:, 1].abs()
    fields[:, 2] = torch.sigmoid(fields[:, 2])
    fields[:, 5] = 400.0 * torch.rand(1, len(LATS), len(LONS)).expand(n_days, -1, -1)
    return fields


def nearest_cell(coords):
    dlat = (coords[:, 0:1] - LATS[None, :]).abs()
    dlon = (coords[:, 1:2] - LONS[None, :]).abs()
    return dlat.argmin(dim=1), dlon.argmin(dim=1)


def build_samples(fields, iy, ix, elev):
    per_day = fields[:, :, iy, ix].permute(0, 2, 1)                # (days, stations, vars)
    orog = per_day[..., PREDICTORS.index("orog")]
    elev_km = elev[None, :].expand_as(orog) / 1000.0
    dz = (elev[None, :] - orog) / 1000.0
    x = torch.cat([per_day[..., :5], elev_km[..., None], dz[..., None]], dim=-1)
    lapse = -6.5 * dz
    t_obs = per_day[..., 0] + lapse - 1.2 * per_day[..., 2] + 0.3 * torch.randn_like(lapse)
    return x.reshape(-1, x.shape[-1]), t_obs.reshape(-1)


class MOSNet(nn.Module):
    def __init__(self, n_in, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 1))

    def forward(self, x, t_raw):
        return t_raw + self.net(x).squeeze(-1)


def main():
    tmp = tempfile.mkdtemp()
    station_csv = os.path.join(tmp, "stations.csv")
    write_station_file(station_csv)
    wmo_ids, coords, elev = load_stations(station_csv)
    iy, ix = nearest_cell(coords)
    print(f"{len(wmo_ids)} stations matched, e.g. {wmo_ids[0]} -> cell ({iy[0].item()}, {ix[0].item()})")

    fields = fake_forecast_fields(N_DAYS)
    x, y = build_samples(fields, iy, ix, elev)
    t_raw = x[:, 0].clone()
    mean, std = x.mean(0), x.std(0)
    x = (x - mean) / std

    n_train = int(0.8 * len(x))
    model = MOSNet(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(40):
        perm = torch.randperm(n_train)
        for s in range(0, n_train, 128):
            b = perm[s:s + 128]
            loss = nn.functional.mse_loss(model(x[b], t_raw[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1}: train mse {loss.item():.3f} K^2")

    with torch.no_grad():
        pred = model(x[n_train:], t_raw[n_train:])
    raw_rmse = (t_raw[n_train:] - y[n_train:]).pow(2).mean().sqrt().item()
    mos_rmse = (pred - y[n_train:]).pow(2).mean().sqrt().item()
    print(f"raw RMSE {raw_rmse:.2f} K -> MOS RMSE {mos_rmse:.2f} K")


if __name__ == "__main__":
    main()
