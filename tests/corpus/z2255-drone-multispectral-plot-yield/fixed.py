import csv
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
rng = np.random.default_rng(5)

HERE = os.path.dirname(os.path.abspath(__file__))
BANDS = ["blue", "green", "red", "red_edge", "nir"]
FLIGHT_ALT_M = 60
GSD_CM = 4.1
PLOT_W_M, PLOT_L_M = 0.9, 0.9
CHIP_PX = int(round(PLOT_W_M * 100 / GSD_CM))
N_PLOTS = 120
BATCH = 16
EPOCHS = 4


def write_plot_table(path, n):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["plot_id", "variety", "n_rate_kg_ha", "yield_t_ha"])
        for pid in range(n):
            variety = rng.choice(["Bolero", "Skyfall", "KWS Extase"])
            n_rate = rng.choice([0, 60, 120, 180])
            y = 5.0 + 0.015 * n_rate + {"Bolero": 0.0, "Skyfall": 0.4, "KWS Extase": 0.7}[variety]
            w.writerow([f"P{pid:04d}", variety, n_rate, round(y + rng.normal(0, 0.35), 2)])


def read_plot_table(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def render_chip(n_rate, px):
    vigour = 0.35 + n_rate / 360.0
    canopy = rng.random((px, px)) < vigour
    refl = np.empty((len(BANDS), px, px), dtype=np.float32)
    soil = np.array([0.08, 0.11, 0.14, 0.20, 0.24])[:, None]
    leaf = np.array([0.04, 0.09, 0.05, 0.30, 0.48])[:, None]
    refl[:, canopy] = leaf + rng.normal(0, 0.02, (len(BANDS), canopy.sum()))
    refl[:, ~canopy] = soil + rng.normal(0, 0.02, (len(BANDS), (~canopy).sum()))
    return refl


def add_indices(chips):
    red, nir, red_edge = chips[:, 2], chips[:, 4], chips[:, 3]
    ndvi = (nir - red) / (nir + red + 1e-6)
    ndre = (nir - red_edge) / (nir + red_edge + 1e-6)
    return torch.cat([chips, ndvi[:, None], ndre[:, None]], dim=1)


def conv_block(c_in, c_out):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


def build_model(in_ch):
    return nn.Sequential(
        conv_block(in_ch, 16),
        conv_block(16, 32),
        conv_block(32, 64),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, 1),
    )


def batches(x, y, bs, shuffle):
    idx = torch.randperm(len(x)) if shuffle else torch.arange(len(x))
    for i in range(0, len(x), bs):
        j = idx[i:i + bs]
        yield x[j], y[j]


def main():
    table_path = os.path.join(HERE, "plot_yields.csv")
    write_plot_table(table_path, N_PLOTS)
    plots = read_plot_table(table_path)

    chips = torch.from_numpy(np.stack([render_chip(float(p["n_rate_kg_ha"]), CHIP_PX) for p in plots]))
    chips = add_indices(chips)
    targets = torch.tensor([float(p["yield_t_ha"]) for p in plots])
    y_mean, y_std = targets.mean(), targets.std()
    targets_z = (targets - y_mean) / y_std

    n_train = int(0.75 * len(plots))
    x_tr, y_tr = chips[:n_train], targets_z[:n_train]
    x_va, y_va = chips[n_train:], targets_z[n_train:]
    print(f"chips: {tuple(chips.shape)} (GSD {GSD_CM} cm at {FLIGHT_ALT_M} m)")

    model = build_model(chips.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)

    for epoch in range(EPOCHS):
        model.train()
        for xb, yb in batches(x_tr, y_tr, BATCH, shuffle=True):
            pred = model(xb).squeeze(-1)
            loss = F.mse_loss(pred, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            val_pred = model(x_va).squeeze(-1) * y_std + y_mean
            rmse = torch.sqrt(F.mse_loss(val_pred, y_va * y_std + y_mean))
        print(f"epoch {epoch}: val RMSE {rmse:.3f} t/ha")


if __name__ == "__main__":
    main()
