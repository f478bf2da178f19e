#!/usr/bin/env python
"""Day-ahead load forecasting for a handful of smart meters with a patch-based MLP mixer.

Subcommands:
    loadcast.py train    [--lookback L] [--horizon H] [--patch P] [--epochs N]
    loadcast.py backtest [--lookback L] [--horizon H] [--patch P]
"""
import argparse
import csv
import json
import math
import os
import sys
import tempfile

import torch
import torch.nn as nn

DEFAULTS = {
    "data": {"meters": 4, "hours": 24 * 21, "lookback": 96, "horizon": 24},
    "model": {"patch": 16, "width": 32},
    "optim": {"epochs": 2, "lr": 1e-3, "batch": 8},
}


def write_defaults(folder):
    path = os.path.join(folder, "loadcast.json")
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)
    return path


def resolve(path, args):
    with open(path) as fh:
        cfg = json.load(fh)
    for section, key in (("data", "lookback"), ("data", "horizon"), ("model", "patch"), ("optim", "epochs")):
        flag = getattr(args, key, None)
        if flag is not None:
            cfg[section][key] = flag
    return cfg


def write_meter_csv(folder, meters, hours):
    """Hourly kWh readings, one column per meter, daily + weekly seasonality."""
    path = os.path.join(folder, "readings.csv")
    gen = torch.Generator().manual_seed(3)
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["hour"] + [f"meter_{m}" for m in range(meters)])
        for h in range(hours):
            row = []
            for m in range(meters):
                base = 1.5 + 0.3 * m
                daily = math.sin(2 * math.pi * (h % 24) / 24 - m)
                weekly = 0.4 * (h // 24 % 7 >= 5)
                row.append(round(base + daily + weekly + 0.1 * float(torch.randn(1, generator=gen)), 3))
            out.writerow([h] + row)
    return path


def read_meter_csv(path):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    meters = [k for k in rows[0] if k.startswith("meter_")]
    return torch.tensor([[float(r[m]) for m in meters] for r in rows])


def sliding_windows(readings, lookback, horizon, stride=6):
    starts = range(0, readings.shape[0] - lookback - horizon + 1, stride)
    past = torch.stack([readings[s:s + lookback] for s in starts])
    future = torch.stack([readings[s + lookback:s + lookback + horizon] for s in starts])
    return past, future


def per_meter_scale(past, future):
    mu = past.mean(dim=1, keepdim=True)
    sd = past.std(dim=1, keepdim=True) + 1e-5
    return ((past - mu) / sd).transpose(1, 2), ((future - mu) / sd).transpose(1, 2)


class PatchMixer(nn.Module):
    def __init__(self, lookback, horizon, patch, width):
        super().__init__()
        self.patch = patch
        self.n_patches = lookback // patch
        self.embed = nn.Linear(patch, width)
        self.mix = nn.Sequential(nn.Linear(self.n_patches, self.n_patches), nn.GELU())
        self.head = nn.Linear(self.n_patches * width, horizon)

    def forward(self, series):
        batch, meters, steps = series.shape
        patches = series.reshape(batch * meters, self.n_patches, self.patch)
        tokens = self.embed(patches)
        tokens = tokens + self.mix(tokens.transpose(1, 2)).transpose(1, 2)
        return self.head(tokens.flatten(1)).view(batch, meters, -1)


def train(cfg, folder):
    readings = read_meter_csv(write_meter_csv(folder, cfg["data"]["meters"], cfg["data"]["hours"]))
    past, future = sliding_windows(readings, cfg["data"]["lookback"], cfg["data"]["horizon"])
    net = PatchMixer(cfg["data"]["lookback"], cfg["data"]["horizon"], cfg["model"]["patch"], cfg["model"]["width"])
    opt = torch.optim.Adam(net.parameters(), lr=cfg["optim"]["lr"])
    loss_fn = nn.MSELoss()
    bs = cfg["optim"]["batch"]
    for epoch in range(cfg["optim"]["epochs"]):
        order = torch.randperm(past.shape[0])
        running = 0.0
        for i in range(0, len(order), bs):
            idx = order[i:i + bs]
            x, y = per_meter_scale(past[idx], future[idx])
            loss = loss_fn(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch}: mse={running / len(order):.4f}")
    return net, past, future


def backtest(cfg, folder):
    net, past, future = train(cfg, folder)
    net.eval()
    with torch.no_grad():
        x, y = per_meter_scale(past[-5:], future[-5:])
        print(f"backtest mse on last 5 windows: {nn.functional.mse_loss(net(x), y).item():.4f}")


def cli(argv):
    parser = argparse.ArgumentParser(prog="loadcast")
    sub = parser.add_subparsers(dest="action", required=True)
    for name in ("train", "backtest"):
        p = sub.add_parser(name)
        p.add_argument("--lookback", type=int)
        p.add_argument("--horizon", type=int)
        p.add_argument("--patch", type=int)
        if name == "train":
            p.add_argument("--epochs", type=int)
    return parser.parse_args(argv)


def main():
    args = cli(sys.argv[1:] or ["train"])
    folder = tempfile.mkdtemp(prefix="loadcast_")
    cfg = resolve(write_defaults(folder), args)
    torch.manual_seed(0)
    if args.action == "train":
        train(cfg, folder)
    else:
        backtest(cfg, folder)


if __name__ == "__main__":
    main()
