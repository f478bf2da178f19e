"""Substation load forecaster: MLP from the last day of hourly load to the next few hours."""
import argparse
import json
import math
import os
import sys
import tempfile

import torch
import torch.nn as nn

SETTINGS_JSON = os.path.join(tempfile.gettempdir(), "grid_load", "forecast_settings.json")

FACTORY_SETTINGS = {
    "lookback_hours": 24,
    "forecast_hours": 12,
    "actuals_hours": 24,
    "days": 40,
    "hidden": 64,
    "epochs": 30,
    "lr": 5e-3,
    "holdout_frac": 0.2,
    "seed": 3,
}


def write_settings(path=SETTINGS_JSON):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(FACTORY_SETTINGS, fh, indent=2)
    return path


def merged_settings(path, opts):
    with open(path) as fh:
        settings = json.load(fh)
    for name, val in vars(opts).items():
        if val is not None and name in settings:
            settings[name] = val
    return settings


def synthetic_load(days, seed):
    g = torch.Generator().manual_seed(seed)
    hours = torch.arange(days * 24, dtype=torch.float32)
    daily = 0.6 * torch.sin(2 * math.pi * (hours - 7) / 24)
    weekly = 0.2 * torch.sin(2 * math.pi * hours / (24 * 7))
    return 3.0 + daily + weekly + 0.05 * torch.randn(hours.shape, generator=g)


def slice_windows(series, lookback, ahead):
    past, future = [], []
    for t in range(lookback, len(series) - ahead + 1):
        past.append(series[t - lookback:t])
        future.append(series[t:t + ahead])
    return torch.stack(past), torch.stack(future)


def make_model(settings):
    return nn.Sequential(
        nn.Linear(settings["lookback_hours"], settings["hidden"]),
        nn.GELU(),
        nn.Linear(settings["hidden"], settings["forecast_hours"]),
    )


def fit(model, past, future, settings):
    opt = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    target = future[:, :settings["forecast_hours"]]
    for epoch in range(settings["epochs"]):
        pred = model(past)
        loss = nn.functional.mse_loss(pred, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"final train mse {loss.item():.5f}")
    return model


def per_step_mae(forecast, actuals):
    report = []
    for h in range(forecast.shape[1]):
        err = (forecast[:, h] - actuals[:, h]).abs().mean().item()
        report.append((h + 1, err))
    return report


def split(past, future, frac):
    cut = int(len(past) * (1 - frac))
    return (past[:cut], future[:cut]), (past[cut:], future[cut:])


def cmd_backtest(settings):
    torch.manual_seed(settings["seed"])
    series = synthetic_load(settings["days"], settings["seed"])
    past, future = slice_windows(series, settings["lookback_hours"], settings["actuals_hours"])
    (tr_past, tr_future), (ho_past, ho_future) = split(past, future, settings["holdout_frac"])
    model = fit(make_model(settings), tr_past, tr_future, settings)
    with torch.no_grad():
        forecast = model(ho_past)
    for step, err in per_step_mae(forecast, ho_future):
        print(f"t+{step:02d}h  mae {err:.4f}")


def cmd_describe(settings):
    series = synthetic_load(settings["days"], settings["seed"])
    past, future = slice_windows(series, settings["lookback_hours"], settings["actuals_hours"])
    print(f"{len(series)} hours -> {len(past)} windows, past {tuple(past.shape)}, future {tuple(future.shape)}")


def cli(argv):
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="action", required=True)
    bt = sub.add_parser("backtest")
    bt.add_argument("--epochs", type=int)
    bt.add_argument("--hidden", type=int)
    bt.add_argument("--days", type=int)
    ds = sub.add_parser("describe")
    ds.add_argument("--days", type=int)
    return ap.parse_args(argv)


def main(argv=None):
    opts = cli(sys.argv[1:] if argv is None else argv)
    settings = merged_settings(write_settings(), opts)
    if opts.action == "backtest":
        cmd_backtest(settings)
    else:
        cmd_describe(settings)


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv += ["backtest", "--days", "40"]
    main()
