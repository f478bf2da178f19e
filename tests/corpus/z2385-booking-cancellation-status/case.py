import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

N_BOOKINGS = 3000
HOTELS = ["Resort Hotel", "City Hotel"]
SEGMENTS = ["Online TA", "Offline TA/TO", "Direct", "Corporate", "Groups"]
DEPOSITS = ["No Deposit", "Non Refund", "Refundable"]
STATUS = ["Check-Out", "Canceled", "No-Show"]

# arrival dates as day offsets from 2015-07-01; the property system only started
# recording no-shows separately from 2017-03-01 (offset 608)
arrival_day = np.sort(rng.integers(0, 790, size=N_BOOKINGS))
hotel = rng.integers(0, len(HOTELS), N_BOOKINGS)
segment = rng.choice(len(SEGMENTS), N_BOOKINGS, p=[0.47, 0.2, 0.11, 0.05, 0.17])
deposit = rng.choice(len(DEPOSITS), N_BOOKINGS, p=[0.87, 0.12, 0.01])
lead_time = rng.gamma(1.3, 80, N_BOOKINGS).round()
adr = np.clip(rng.normal(100, 40, N_BOOKINGS) + 20 * hotel, 0, None)
stays_week = rng.poisson(2.5, N_BOOKINGS)
stays_weekend = rng.poisson(0.9, N_BOOKINGS)
prev_cancel = rng.poisson(0.08, N_BOOKINGS)
special_req = rng.poisson(0.6, N_BOOKINGS)

logit = -1.2 + 0.006 * lead_time + 1.8 * (deposit == 1) - 0.5 * special_req + 0.9 * prev_cancel
p_cancel = 1 / (1 + np.exp(-logit))
u = rng.random(N_BOOKINGS)
status = np.where(u < p_cancel, 1, 0)
no_show = (arrival_day >= 608) & (rng.random(N_BOOKINGS) < 0.04)
status = np.where(no_show, 2, status)


def one_hot(codes, n):
    out = np.zeros((len(codes), n), dtype=np.float32)
    out[np.arange(len(codes)), codes] = 1.0
    return out


def build_features(idx, scaler=None):
    numeric = np.stack([lead_time[idx], adr[idx], stays_week[idx], stays_weekend[idx],
                        prev_cancel[idx], special_req[idx]], axis=1).astype(np.float32)
    if scaler is None:
        scaler = StandardScaler().fit(numeric)
    numeric = scaler.transform(numeric).astype(np.float32)
    cats = np.concatenate([one_hot(hotel[idx], len(HOTELS)),
                           one_hot(segment[idx], len(SEGMENTS)),
                           one_hot(deposit[idx], len(DEPOSITS))], axis=1)
    return np.concatenate([numeric, cats], axis=1), scaler


# time-based split: train on older arrivals, validate on the most recent ones
cut = int(0.75 * N_BOOKINGS)
train_idx, valid_idx = np.arange(cut), np.arange(cut, N_BOOKINGS)
X_train, scaler = build_features(train_idx)
X_valid, _ = build_features(valid_idx, scaler)
y_train, y_valid = status[train_idx], status[valid_idx]

n_features = X_train.shape[1]
n_classes = len(np.unique(y_train))
print(f"features={n_features} classes={n_classes} train={len(y_train)} valid={len(y_valid)}")


def mlp(n_in, n_out, hidden=(64, 32), p_drop=0.2):
    layers, d = [], n_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(p_drop)]
        d = h
    layers.append(nn.Linear(d, n_out))
    return nn.Sequential(*layers)


def iterate(X, y, bs, shuffle):
    order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    for i in range(0, len(order), bs):
        j = order[i:i + bs]
        yield torch.from_numpy(X[j]), torch.from_numpy(y[j]).long()


def evaluate(model, X, y):
    model.eval()
    losses, correct = [], 0
    with torch.no_grad():
        for xb, yb in iterate(X, y, 512, shuffle=False):
            out = model(xb)
            losses.append(F.cross_entropy(out, yb, reduction="sum").item())
            correct += (out.argmax(1) == yb).sum().item()
    return sum(losses) / len(y), correct / len(y)


model = mlp(n_features, n_classes)
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

for epoch in range(6):
    model.train()
    running = 0.0
    for xb, yb in iterate(X_train, y_train, 128, shuffle=True):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(yb)
    sched.step()
    val_loss, val_acc = evaluate(model, X_valid, y_valid)
    print(f"epoch {epoch} train_loss={running / len(y_train):.4f} val_loss={val_loss:.4f} val_acc={val_acc:.3f}")
