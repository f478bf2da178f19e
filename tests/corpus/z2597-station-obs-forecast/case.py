import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_HOURS = 24 * 30
WINDOW = 24
HORIZON = 6
MAX_MISSING_FRAC = 0.10

STATION_META = [
    {"id": f"K{code}", "elev_m": float(e)}
    for code, e in zip(
        ["DFW", "DAL", "FTW", "AFW", "GKY", "ADS", "TKI", "DTO", "GPM", "HQZ",
         "LNC", "JWY", "RBD", "MWL", "SEP", "GDJ", "CRS", "TRL", "F46", "PWG"],
        rng.uniform(120, 300, size=20),
    )
]


def synth_obs(n_hours, n_stations):
    hours = np.arange(n_hours)
    diurnal = 8.0 * np.sin(2 * np.pi * (hours - 9) / 24.0)
    base = rng.normal(22.0, 2.0, size=n_stations)
    temps = base[None, :] + diurnal[:, None] + rng.normal(0, 1.2, size=(n_hours, n_stations))
    gaps = rng.random((n_hours, n_stations)) < 0.02
    for bad in (4, 11, 17):
        gaps[:, bad] |= rng.random(n_hours) < 0.35
    temps[gaps] = np.nan
    return temps


def qc_stations(temps, meta, max_missing):
    miss = np.isnan(temps).mean(axis=0)
    keep = np.where(miss <= max_missing)[0]
    print(f"QC: dropping {len(meta) - len(keep)} of {len(meta)} stations")
    return temps[:, keep], keep


def fill_gaps(temps):
    out = temps.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        bad = np.isnan(col)
        col[bad] = np.interp(np.flatnonzero(bad), np.flatnonzero(~bad), col[~bad])
    return out


def make_windows(series, window, horizon):
    xs, ys = [], []
    for t in range(series.shape[0] - window - horizon + 1):
        xs.append(series[t:t + window])
        ys.append(series[t + window:t + window + horizon])
    x = torch.tensor(np.stack(xs), dtype=torch.float32)
    y = torch.tensor(np.stack(ys), dtype=torch.float32)
    return x, y


def build_model(n_stations, window, horizon, hidden=64):
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(window * n_stations, hidden),
        nn.ReLU(),
        nn.Linear(hidden, horizon * n_stations),
        nn.Unflatten(1, (horizon, n_stations)),
    )


def train(model, x, y, epochs=5, bs=64, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    for ep in range(epochs):
        perm = torch.randperm(x.shape[0])
        running = 0.0
        for i in range(0, x.shape[0], bs):
            idx = perm[i:i + bs]
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {ep} mse {running / x.shape[0]:.3f}")


def per_station_mae(pred, target, station_meta):
    report = {}
    for s in range(len(station_meta)):
        err = (pred[:, :, s] - target[:, :, s]).abs().mean().item()
        report[station_meta[s]["id"]] = err
    return report


def main():
    raw = synth_obs(N_HOURS, len(STATION_META))
    temps, kept = qc_stations(raw, STATION_META, MAX_MISSING_FRAC)
    temps = fill_gaps(temps)

    mu, sd = temps.mean(axis=0), temps.std(axis=0)
    z = (temps - mu) / sd

    x, y = make_windows(z, WINDOW, HORIZON)
    split = int(0.8 * x.shape[0])
    x_tr, y_tr, x_te, y_te = x[:split], y[:split], x[split:], y[split:]

    model = build_model(temps.shape[1], WINDOW, HORIZON)
    train(model, x_tr, y_tr)

    model.eval()
    with torch.no_grad():
        pred = model(x_te)
    sd_t = torch.tensor(sd, dtype=torch.float32)
    pred_c = pred * sd_t
    targ_c = y_te * sd_t

    mae = per_station_mae(pred_c, targ_c, STATION_META)
    for sid, v in sorted(mae.items(), key=lambda kv: kv[1]):
        print(f"{sid}: {v:.2f} C")


if __name__ == "__main__":
    main()
