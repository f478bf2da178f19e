# daily milk-yield based health alerts (early lactation)
# per cow-day label: 0 = healthy, 1 = clinical mastitis, 2 = ketosis / digestive upset
import numpy as np
import torch
import torch.nn as nn
from numpy.lib.stride_tricks import sliding_window_view
from torch.utils.data import TensorDataset, DataLoader, random_split

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_COWS = 96
DIM_DAYS = 120          # days in milk covered by the parlour export
ROLL_WIN = 7
HIDDEN = 48
N_CLASSES = 3
BATCH = 16
EPOCHS = 3
LR = 3e-3


def wood_curve(dim, a, b, c):
    return a * dim ** b * np.exp(-c * dim)


def simulate_herd(n_cows, n_days):
    dim = np.arange(1, n_days + 1, dtype=np.float64)
    yields = np.zeros((n_cows, n_days))
    conduct = np.zeros((n_cows, n_days))
    events = np.zeros((n_cows, n_days), dtype=np.int64)
    for c in range(n_cows):
        parity = rng.integers(1, 6)
        a = rng.normal(18 if parity == 1 else 24, 2.0)
        curve = wood_curve(dim, a, 0.22, 0.004)
        noise = rng.normal(0, 1.2, n_days)
        ec = rng.normal(5.0, 0.15, n_days)
        if rng.random() < 0.35:
            onset = rng.integers(15, n_days - 10)
            dur = rng.integers(4, 9)
            kind = rng.integers(1, N_CLASSES)
            events[c, onset:onset + dur] = kind
            drop = 0.25 if kind == 1 else 0.12
            curve[onset:onset + dur] *= 1 - drop
            if kind == 1:
                ec[onset:onset + dur] += 0.9
        yields[c] = np.clip(curve + noise, 0, None)
        conduct[c] = ec
    return yields, conduct, events


def rolling_features(yields, conduct, win):
    # everything is computed on trailing windows so the alert can be raised the same evening
    y_win = sliding_window_view(yields, win, axis=1)
    e_win = sliding_window_view(conduct, win, axis=1)
    y_mean = y_win.mean(-1)
    y_std = y_win.std(-1) + 1e-3
    today = y_win[..., -1]
    feats = np.stack([
        today,
        (today - y_mean) / y_std,
        today - y_win[..., 0],
        e_win[..., -1] - e_win.mean(-1),
        e_win.max(-1),
    ], axis=-1)
    return feats.astype(np.float32)


def standardise(x):
    mu = x.reshape(-1, x.shape[-1]).mean(0)
    sd = x.reshape(-1, x.shape[-1]).std(0) + 1e-6
    return (x - mu) / sd


yields, conduct, events = simulate_herd(N_COWS, DIM_DAYS)
X = standardise(rolling_features(yields, conduct, ROLL_WIN))
Y = events

print("features", X.shape, "labels", Y.shape, "event days", int((Y > 0).sum()))

ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
n_val = N_COWS // 6
train_ds, val_ds = random_split(ds, [N_COWS - n_val, n_val], generator=torch.Generator().manual_seed(0))
train_dl = DataLoader(train_ds, batch_size=BATCH, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=BATCH)

gru = nn.GRU(X.shape[-1], HIDDEN, batch_first=True, num_layers=1)
head = nn.Sequential(nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, N_CLASSES))
params = list(gru.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=LR)

# healthy days dominate, weight the event classes up
counts = np.bincount(Y.ravel(), minlength=N_CLASSES).astype(np.float32)
class_w = torch.tensor(counts.sum() / (N_CLASSES * np.maximum(counts, 1)))
criterion = nn.CrossEntropyLoss(weight=class_w)


def day_logits(xb):
    out, _ = gru(xb)
    return head(out)


for epoch in range(EPOCHS):
    gru.train(); head.train()
    running = 0.0
    for xb, yb in train_dl:
        logits = day_logits(xb)
        loss = criterion(logits.reshape(-1, N_CLASSES), yb.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        running += loss.item() * xb.size(0)

    gru.eval(); head.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for xb, yb in val_dl:
            pred = day_logits(xb).argmax(-1)
            tp += ((pred > 0) & (yb > 0)).sum().item()
            fp += ((pred > 0) & (yb == 0)).sum().item()
            fn += ((pred == 0) & (yb > 0)).sum().item()
    sens = tp / max(tp + fn, 1)
    ppv = tp / max(tp + fp, 1)
    print(f"epoch {epoch} train_loss={running / len(train_ds):.4f} sens={sens:.3f} ppv={ppv:.3f}")
