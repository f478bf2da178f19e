import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader


def get_args():
    p = argparse.ArgumentParser(description="Conv1d demand forecaster over daily store-item signals")
    p.add_argument("--n-series", type=int, default=300)
    p.add_argument("--n-days", type=int, default=180)
    p.add_argument("--lookback-weeks", type=int, default=2)
    p.add_argument("--horizon", type=int, default=7)
    p.add_argument("--conv-spec", type=str, default="16:7,32:7,64:5")
    p.add_argument("--pool", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args([])


SIGNALS = ["log_units", "price_index", "promo_flag", "is_holiday", "stock_on_hand"]


def synth_signals(n_series, n_days, rng):
    t = np.arange(n_days)
    out = np.zeros((n_series, len(SIGNALS), n_days), dtype=np.float32)
    holidays = np.zeros(n_days, dtype=np.float32)
    holidays[[24, 59, 110, 150, 171]] = 1.0
    for s in range(n_series):
        level = rng.uniform(1, 30)
        promo = (rng.random(n_days) < 0.1).astype(np.float32)
        price = 1.0 - 0.2 * promo + rng.normal(0, 0.02, n_days)
        season = 1 + 0.3 * np.sin(2 * np.pi * t / 7) + 0.1 * np.sin(2 * np.pi * t / 91)
        units = rng.poisson(level * season * (1 + 0.8 * promo) * (1 + 0.5 * holidays))
        stock = np.maximum(0, 3 * level - np.cumsum(units) % (3 * level))
        out[s, 0] = np.log1p(units)
        out[s, 1] = price
        out[s, 2] = promo
        out[s, 3] = holidays
        out[s, 4] = stock / (3 * level)
    return out


def make_windows(signals, lookback, horizon):
    xs, ys = [], []
    n_days = signals.shape[-1]
    for end in range(lookback, n_days - horizon + 1, horizon):
        xs.append(signals[:, :, end - lookback:end])
        ys.append(np.expm1(signals[:, 0, end:end + horizon]))
    x = np.concatenate(xs, axis=0)
    y = np.log1p(np.concatenate(ys, axis=0).sum(axis=1, keepdims=True))
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.float32))


def parse_conv_spec(spec):
    return [tuple(int(v) for v in layer.split(":")) for layer in spec.split(",")]


def build_model(in_channels, conv_spec, pool):
    layers = []
    ch = in_channels
    for out_ch, k in conv_spec:
        layers += [nn.Conv1d(ch, out_ch, kernel_size=k), nn.BatchNorm1d(out_ch), nn.GELU(), nn.MaxPool1d(pool)]
        ch = out_ch
    layers += [nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(ch, 32), nn.GELU(), nn.Linear(32, 1)]
    return nn.Sequential(*layers)


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    signals = synth_signals(args.n_series, args.n_days, rng)

    lookback = args.lookback_weeks * 7
    split = int(args.n_days * 0.8)
    x_tr, y_tr = make_windows(signals[:, :, :split], lookback, args.horizon)
    x_va, y_va = make_windows(signals[:, :, split - lookback:], lookback, args.horizon)
    mean = x_tr.mean(dim=(0, 2), keepdim=True)
    std = x_tr.std(dim=(0, 2), keepdim=True) + 1e-6
    x_tr, x_va = (x_tr - mean) / std, (x_va - mean) / std
    print(f"train {tuple(x_tr.shape)}  valid {tuple(x_va.shape)}")

    train_dl = DataLoader(TensorDataset(x_tr, y_tr), batch_size=args.batch_size, shuffle=True)
    valid_dl = DataLoader(TensorDataset(x_va, y_va), batch_size=256)

    model = build_model(len(SIGNALS), parse_conv_spec(args.conv_spec), args.pool)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    loss_fn = nn.MSELoss()

    for epoch in range(args.epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            err = torch.cat([(model(xb) - yb).abs() for xb, yb in valid_dl])
        print(f"epoch {epoch}: valid MAE(log weekly units) = {err.mean():.4f}")


if __name__ == "__main__":
    main()
