"""Presence-only species distribution model for Grevy's zebra, Laikipia-Samburu.

Environmental covariates are sampled on a regular lon/lat prediction grid,
a small MLP is fitted presence vs background (down-weighted logistic loss,
the usual Maxent approximation), and the suitability surface is
reshaped back onto the grid for mapping.
"""
import numpy as np
import torch
import torch.nn as nn

STUDY_AREA = {"lon_min": 36.2, "lon_max": 37.9, "lat_min": -0.3, "lat_max": 1.4}
RES_DEG = 0.05
COVARIATES = ["elev_km", "ndvi", "dist_water_km", "rain_mm", "livestock_density"]


def make_grid(area, res):
    lons = np.arange(area["lon_min"], area["lon_max"], res)
    lats = np.arange(area["lat_min"], area["lat_max"], res)
    lon_g, lat_g = np.meshgrid(lons, lats)
    return lon_g.ravel(), lat_g.ravel()


def grid_shape(area, res):
    n_cols = int((area["lon_max"] - area["lon_min"]) / res)
    n_rows = int((area["lat_max"] - area["lat_min"]) / res)
    return n_rows, n_cols


def covariate_layers(lon, lat, rng):
    elev = 1.2 + 0.8 * np.sin(3 * (lon - 36.2)) * np.cos(2 * lat) + rng.normal(0, 0.05, lon.size)
    ndvi = np.clip(0.5 - 0.25 * (lat - 0.5) + rng.normal(0, 0.05, lon.size), 0, 1)
    water_pts = np.array([[36.9, 0.55], [37.5, 0.2], [36.6, 1.1]])
    d = np.sqrt((lon[:, None] - water_pts[:, 0]) ** 2 + (lat[:, None] - water_pts[:, 1]) ** 2)
    dist_water = d.min(1) * 111.0
    rain = 400 + 300 * (1.4 - lat) / 1.7 + rng.normal(0, 20, lon.size)
    livestock = np.abs(rng.normal(30, 15, lon.size))
    X = np.stack([elev, ndvi, dist_water, rain, livestock], axis=1)
    return X.astype(np.float32)


def standardise(X):
    mu, sd = X.mean(0), X.std(0) + 1e-6
    return (X - mu) / sd, (mu, sd)


def simulate_presences(X, rng, n=150):
    suit = 1.5 * X[:, 1] - 0.8 * X[:, 2] - 0.5 * X[:, 4] - 0.6 * X[:, 0] ** 2
    p = np.exp(suit - suit.max())
    p /= p.sum()
    return rng.choice(len(X), size=n, replace=False, p=p)


class SDMNet(nn.Module):
    def __init__(self, n_cov, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_cov, hidden), nn.Tanh(),
            nn.Linear(hidden, hidden), nn.Tanh(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def fit_sdm(X, pres_idx, bg_idx, epochs=200, lr=1e-2):
    model = SDMNet(X.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    xs = torch.from_numpy(np.concatenate([X[pres_idx], X[bg_idx]]))
    ys = torch.cat([torch.ones(len(pres_idx)), torch.zeros(len(bg_idx))])
    w = torch.where(ys == 1, torch.tensor(len(bg_idx) / len(pres_idx)), torch.tensor(1.0))
    loss_fn = nn.BCEWithLogitsLoss(weight=w)
    for ep in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(xs), ys)
        loss.backward()
        opt.step()
    return model, loss.item()


def main():
    rng = np.random.default_rng(42)
    torch.manual_seed(42)
    lon, lat = make_grid(STUDY_AREA, RES_DEG)
    X_raw = covariate_layers(lon, lat, rng)
    X, _ = standardise(X_raw)

    pres_idx = simulate_presences(X, rng)
    bg_idx = rng.choice(len(X), size=1000, replace=False)
    model, final_loss = fit_sdm(X, pres_idx, bg_idx)
    print(f"{len(X)} grid cells, {len(pres_idx)} presences, final loss {final_loss:.4f}")

    with torch.no_grad():
        suitability = torch.sigmoid(model(torch.from_numpy(X)))

    n_rows, n_cols = grid_shape(STUDY_AREA, RES_DEG)
    suit_map = suitability.view(n_rows, n_cols)
    top = torch.topk(suit_map.flatten(), 5).indices
    for i in top.tolist():
        r, c = divmod(i, n_cols)
        print(f"hotspot row {r} col {c}: lon {lon[i]:.2f} lat {lat[i]:.2f} "
              f"suitability {suit_map[r, c]:.3f}")
    print("mean suitability by latitude band:", suit_map.mean(1)[:5].numpy().round(3))


if __name__ == "__main__":
    main()
