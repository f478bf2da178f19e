import numpy as np
import torch
import torch.nn as nn

SEED = 2024
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

AIRPORTS = ["ATL", "ORD", "DFW", "DEN", "LAX", "JFK", "SEA", "SFO", "MCO", "LAS"]
CARRIERS = ["AA", "DL", "UA", "WN", "B6", "AS"]
DELAY_BINS = [15.0, 60.0]  # on-time (<15), minor (15-60), major (>=60)

CFG = {
    "n_flights": 3000,
    "batch_size": 128,
    "epochs": 4,
    "lr": 2e-3,
    "hidden": 64,
}


def simulate_flights(n):
    origin = rng.integers(0, len(AIRPORTS), n)
    dest = rng.integers(0, len(AIRPORTS), n)
    carrier = rng.integers(0, len(CARRIERS), n)
    dep_hour = rng.integers(5, 24, n)
    dow = rng.integers(0, 7, n)
    distance = rng.uniform(150, 2800, n)
    wx_severity = rng.gamma(1.2, 1.0, n)
    taxi_out = rng.normal(16, 5, n).clip(3, None)
    cancelled = rng.random(n) < 0.03
    arr_delay = (
        -5 + 2.2 * np.maximum(dep_hour - 14, 0) + 9.0 * wx_severity
        + 0.8 * (taxi_out - 16) + rng.normal(0, 12, n)
    )
    arr_delay[cancelled] = np.nan
    return {
        "origin": origin, "dest": dest, "carrier": carrier, "dep_hour": dep_hour,
        "dow": dow, "distance": distance, "wx_severity": wx_severity,
        "taxi_out": taxi_out, "cancelled": cancelled, "arr_delay": arr_delay,
    }


def one_hot(idx, k):
    out = np.zeros((len(idx), k), dtype=np.float32)
    out[np.arange(len(idx)), idx] = 1.0
    return out


def build_features(fl):
    keep = ~fl["cancelled"]
    num = np.stack([
        fl["distance"] / 1000.0,
        fl["wx_severity"],
        (fl["taxi_out"] - 16) / 5.0,
        np.sin(2 * np.pi * fl["dep_hour"] / 24),
        np.cos(2 * np.pi * fl["dep_hour"] / 24),
    ], axis=1).astype(np.float32)
    cat = np.concatenate([
        one_hot(fl["origin"], len(AIRPORTS)),
        one_hot(fl["dest"], len(AIRPORTS)),
        one_hot(fl["carrier"], len(CARRIERS)),
        one_hot(fl["dow"], 7),
    ], axis=1)
    X = np.concatenate([num, cat], axis=1)
    return X[keep]


def build_targets(fl):
    delay = fl["arr_delay"][~fl["cancelled"]]
    return np.digitize(delay, DELAY_BINS).astype(np.int64)


def train_val_split(X, y, val_frac=0.15):
    n_val = int(len(X) * val_frac)
    return (X[:-n_val], y[:-n_val]), (X[-n_val:], y[-n_val:])


def make_model(in_dim, hidden, n_classes):
    return nn.Sequential(
        nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, n_classes),
    )


def iterate(X, y, bs):
    for start in range(0, len(X), bs):
        yield X[start:start + bs], y[start:start + bs]


def evaluate(model, X, y, bs):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in iterate(X, y, bs):
            correct += (model(xb).argmax(1) == yb).sum().item()
    return correct / len(y)


flights = simulate_flights(CFG["n_flights"])
X_all = torch.from_numpy(build_features(flights))
y_all = torch.from_numpy(build_targets(flights))
print("features", tuple(X_all.shape), "targets", tuple(y_all.shape))

(X_tr, y_tr), (X_va, y_va) = train_val_split(X_all, y_all)
counts = torch.bincount(y_tr, minlength=len(DELAY_BINS) + 1).float()
class_w = counts.sum() / (counts + 1.0)
class_w = class_w / class_w.mean()

model = make_model(X_all.shape[1], CFG["hidden"], len(DELAY_BINS) + 1)
loss_fn = nn.CrossEntropyLoss(weight=class_w)
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

for epoch in range(CFG["epochs"]):
    model.train()
    running = 0.0
    for xb, yb in iterate(X_tr, y_tr, CFG["batch_size"]):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(xb)
    acc = evaluate(model, X_va, y_va, 512)
    print(f"epoch {epoch}: loss={running / len(X_tr):.4f} val_acc={acc:.3f}")
