"""Train a tiny ConvLSTM nowcaster on synthetic 2 m temperature reanalysis.

Fields are (time, lat, lon) numpy arrays, standardised per grid cell, cut into
sliding windows of `window` steps, and the model predicts the field `lead`
steps after the end of each window.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn


def get_config(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--n-time", type=int, default=96)
    p.add_argument("--n-lat", type=int, default=16)
    p.add_argument("--n-lon", type=int, default=24)
    p.add_argument("--window", type=int, default=8)
    p.add_argument("--lead", type=int, default=1)
    p.add_argument("--hidden", type=int, default=8)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def synthetic_t2m(n_time, n_lat, n_lon, rng):
    lats = np.linspace(-60.0, 60.0, n_lat)
    lons = np.linspace(0.0, 360.0, n_lon, endpoint=False)
    hours = np.arange(n_time) * 6.0
    base = 288.0 - 30.0 * np.sin(np.deg2rad(np.abs(lats)))[None, :, None]
    diurnal = 4.0 * np.sin(2 * np.pi * hours / 24.0)[:, None, None] * np.cos(np.deg2rad(lons))[None, None, :]
    noise = rng.normal(0.0, 0.8, size=(n_time, n_lat, n_lon))
    return (base + diurnal + noise).astype(np.float32)


def standardise(field):
    mu = field.mean(axis=0, keepdims=True)
    sd = field.std(axis=0, keepdims=True) + 1e-6
    return (field - mu) / sd, mu, sd


def make_windows(field, window, lead):
    n_windows = field.shape[0] - window - lead + 1
    xs, ys = [], []
    for t in range(n_windows):
        xs.append(field[t:t + window])
        ys.append(field[t + window + lead - 1])
    return torch.stack(xs)[:, :, None], torch.stack(ys)[:, None]


class ConvLSTMCell(nn.Module):
    def __init__(self, in_ch, hid_ch, k=3):
        super().__init__()
        self.hid_ch = hid_ch
        self.gates = nn.Conv2d(in_ch + hid_ch, 4 * hid_ch, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = torch.chunk(self.gates(torch.cat([x, h], dim=1)), 4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class Nowcaster(nn.Module):
    def __init__(self, hid_ch):
        super().__init__()
        self.cell = ConvLSTMCell(1, hid_ch)
        self.head = nn.Conv2d(hid_ch, 1, 1)

    def forward(self, seq):
        b, t, _, ny, nx = seq.shape
        h = seq.new_zeros(b, self.cell.hid_ch, ny, nx)
        c = torch.zeros_like(h)
        for step in range(t):
            h, c = self.cell(seq[:, step], (h, c))
        return self.head(h)


def train(model, x, y, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    n_train = int(0.8 * len(x))
    for epoch in range(cfg.epochs):
        perm = torch.randperm(n_train)
        losses = []
        for start in range(0, n_train, 16):
            idx = perm[start:start + 16]
            pred = model(x[idx])
            loss = nn.functional.mse_loss(pred, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        with torch.no_grad():
            val = nn.functional.mse_loss(model(x[n_train:]), y[n_train:]).item()
        print(f"epoch {epoch}: train mse {np.mean(losses):.4f}  val mse {val:.4f}")


def main():
    cfg = get_config(["--window", "8", "--lead", "2", "--epochs", "2"])
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    t2m = synthetic_t2m(cfg.n_time, cfg.n_lat, cfg.n_lon, rng)
    t2m_std, mu, sd = standardise(t2m)
    field = torch.from_numpy(t2m_std)
    print("field", tuple(field.shape), "mean K", float(t2m.mean()))

    x, y = make_windows(field, cfg.window, cfg.lead)
    print("windows", tuple(x.shape), "targets", tuple(y.shape))

    model = Nowcaster(cfg.hidden)
    train(model, x, y, cfg)

    with torch.no_grad():
        last = model(x[-1:])[0, 0].numpy() * sd[0] + mu[0]
    print("forecast mean K", float(last.mean()))


if __name__ == "__main__":
    main()
