import math

import numpy as np
import torch
import torch.nn as nn

SEED = 21
NEIGHBOURHOODS = ["Riverside", "Old Town", "Northgate", "Harbour View", "Elm Park", "Westfield",
                  "Kingsbridge", "Mill Creek", "Southbank", "Ashford", "Lakeshore", "Cedar Hill"]
FEATURES = ["log_median_price", "sales_count", "median_dom", "active_inventory", "mortgage_rate"]
N_MONTHS = 120
LOOKBACK = 24
HORIZON = 3
TRAIN_END = 96
BATCH = 32
EPOCHS = 4
LR = 3e-3


def simulate_market(rng):
    t = np.arange(N_MONTHS)
    rate = 3.5 + 1.5 * np.sin(t / 30.0) + np.cumsum(rng.normal(0, 0.05, N_MONTHS))
    panel = np.zeros((len(NEIGHBOURHOODS), N_MONTHS, len(FEATURES)), dtype=np.float32)
    for i, _ in enumerate(NEIGHBOURHOODS):
        base = rng.uniform(12.2, 13.6)
        growth = rng.uniform(0.001, 0.006)
        season = 0.015 * np.sin(2 * math.pi * t / 12 + rng.uniform(0, 2 * math.pi))
        rate_drag = -0.01 * (rate - rate.mean())
        log_price = base + growth * t + season + np.cumsum(rate_drag) * 0.1 + rng.normal(0, 0.01, N_MONTHS)
        sales = rng.poisson(40 + 15 * np.sin(2 * math.pi * t / 12) - 3 * (rate - 3.5)).clip(1)
        dom = np.clip(30 + 5 * (rate - 3.5) - 8 * np.sin(2 * math.pi * t / 12) + rng.normal(0, 3, N_MONTHS), 5, None)
        inventory = np.clip(120 + 20 * (rate - 3.5) + rng.normal(0, 10, N_MONTHS), 10, None)
        panel[i] = np.stack([log_price, sales, dom, inventory, rate], axis=1)
    return panel


def make_windows(panel, start, stop):
    xs, ys, hood_idx = [], [], []
    for h in range(panel.shape[0]):
        for s in range(start, stop - LOOKBACK - HORIZON + 1):
            window = panel[h, s:s + LOOKBACK]
            future = panel[h, s + LOOKBACK + HORIZON - 1, 0]
            xs.append(window)
            ys.append(future - window[-1, 0])
            hood_idx.append(h)
    return (torch.tensor(np.stack(xs)), torch.tensor(np.array(ys), dtype=torch.float32),
            torch.tensor(hood_idx))


def fit_scaler(panel_train):
    mean = panel_train.mean(axis=1)
    std = panel_train.std(axis=1) + 1e-6
    return torch.tensor(mean), torch.tensor(std)


def standardize(x, scaler):
    mean, std = scaler
    return (x - mean) / std


def build_model(n_features, hidden=32):
    gru = nn.GRU(n_features, hidden, batch_first=True)
    head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))
    return nn.ModuleDict({"gru": gru, "head": head})


def forward(model, x):
    out, _ = model["gru"](x)
    return model["head"](out[:, -1]).squeeze(-1)


def batches(n, batch_size, gen, shuffle=True):
    order = torch.randperm(n, generator=gen) if shuffle else torch.arange(n)
    for i in range(0, n, batch_size):
        yield order[i:i + batch_size]


def main():
    rng = np.random.default_rng(SEED)
    gen = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)

    panel = simulate_market(rng)
    scaler = fit_scaler(panel[:, :TRAIN_END])
    X_tr, y_tr, _ = make_windows(panel, 0, TRAIN_END)
    X_va, y_va, _ = make_windows(panel, TRAIN_END - LOOKBACK, N_MONTHS)
    y_scale = y_tr.std()
    print(f"train windows {tuple(X_tr.shape)}, val windows {tuple(X_va.shape)}")

    model = build_model(len(FEATURES))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.HuberLoss(delta=1.0)

    for epoch in range(EPOCHS):
        model.train()
        tr_loss = 0.0
        for idx in batches(len(X_tr), BATCH, gen):
            xb = standardize(X_tr[idx], scaler)
            pred = forward(model, xb)
            loss = loss_fn(pred, y_tr[idx] / y_scale)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tr_loss += loss.item() * len(idx)

        model.eval()
        with torch.no_grad():
            va_pred = forward(model, standardize(X_va, scaler)) * y_scale
            mae_pct = (va_pred - y_va).abs().mean().item() * 100
        print(f"epoch {epoch}: train {tr_loss / len(X_tr):.4f}  val MAE {mae_pct:.2f}% of price")


if __name__ == "__main__":
    main()
