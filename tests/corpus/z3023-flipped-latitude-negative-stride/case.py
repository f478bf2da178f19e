import argparse
import numpy as np
import torch
import torch.nn as nn
from numpy.lib.stride_tricks import sliding_window_view
from torch.utils.data import Dataset, DataLoader
from transformers import ViTConfig, ViTModel


def build_config():
    ap = argparse.ArgumentParser(description="z500 patch-transformer, 24h lead")
    ap.add_argument("--n-times", type=int, default=240)
    ap.add_argument("--grid", type=int, default=32)
    ap.add_argument("--history", type=int, default=4)
    ap.add_argument("--lead", type=int, default=4)
    ap.add_argument("--patch", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=1)
    return ap.parse_args(["--n-times", "120", "--history", "4", "--lead", "4"])


def fake_era5_z500(n_times, n, rng):
    """ERA5 ordering: latitude from north to south."""
    lat = np.linspace(80.0, 20.0, n)
    lon = np.linspace(-60.0, 30.0, n, endpoint=False)
    t = np.arange(n_times)[:, None, None] / 4.0
    zonal = 5500.0 + 6.0 * (80.0 - lat)[None, :, None]
    ridge = 80.0 * np.cos(np.deg2rad(lon * 4)[None, None, :] - 0.3 * t) \
        * np.exp(-((lat[None, :, None] - 50.0) / 15.0) ** 2)
    z = zonal + ridge + rng.normal(0.0, 10.0, (n_times, n, n))
    return z.astype(np.float32), lat, lon


def to_south_north(field, lat):
    if lat[0] > lat[-1]:
        return field[:, ::-1, :], lat[::-1]
    return field, lat


def anomalies(field):
    clim = field.mean(axis=0)
    return (field - clim) / field.std()


class LeadTimeWindows(Dataset):
    def __init__(self, z, history, lead):
        self.inputs = sliding_window_view(z[:-lead], history, axis=0)
        self.z, self.history, self.lead = z, history, lead

    def __len__(self):
        return self.inputs.shape[0]

    def __getitem__(self, i):
        x = np.moveaxis(self.inputs[i], -1, 0)
        y = self.z[i + self.history - 1 + self.lead]
        return torch.from_numpy(x), torch.from_numpy(y)


class Z500Transformer(nn.Module):
    def __init__(self, grid, history, patch):
        super().__init__()
        cfg = ViTConfig(image_size=grid, patch_size=patch, num_channels=history,
                        hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64)
        self.vit = ViTModel(cfg, add_pooling_layer=False)
        self.grid, self.patch = grid, patch
        self.head = nn.Linear(32, patch * patch)

    def forward(self, x):
        h = self.vit(pixel_values=x).last_hidden_state[:, 1:]
        b, n_p = h.shape[0], self.grid // self.patch
        out = self.head(h).reshape(b, n_p, n_p, self.patch, self.patch)
        return out.permute(0, 1, 3, 2, 4).reshape(b, self.grid, self.grid)


def lat_weights(lat):
    w = np.cos(np.deg2rad(lat))
    return torch.tensor(w / w.mean(), dtype=torch.float32)[:, None]


def main():
    cfg = build_config()
    rng = np.random.default_rng(3)
    torch.manual_seed(3)

    z500, lat, lon = fake_era5_z500(cfg.n_times, cfg.grid, rng)
    za = anomalies(z500)
    za, lat = to_south_north(za, lat)
    n_train = int(0.8 * cfg.n_times)

    train = LeadTimeWindows(za[:n_train], cfg.history, cfg.lead)
    valid = LeadTimeWindows(za[n_train:], cfg.history, cfg.lead)
    print(f"train {len(train)} / valid {len(valid)} samples, lat {lat[0]:.0f}..{lat[-1]:.0f}")

    model = Z500Transformer(cfg.grid, cfg.history, cfg.patch)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    w = lat_weights(lat)

    for epoch in range(cfg.epochs):
        model.train()
        for x, y in DataLoader(train, batch_size=cfg.batch_size, shuffle=True):
            loss = (w * (model(x) - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            errs = [(w * (model(x) - y) ** 2).mean().item()
                    for x, y in DataLoader(valid, batch_size=cfg.batch_size)]
        print(f"epoch {epoch}: lat-weighted val mse {np.mean(errs):.4f}")


if __name__ == "__main__":
    main()
