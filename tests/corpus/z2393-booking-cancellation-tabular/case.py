import csv
import os

import numpy as np
import torch
import torch.nn as nn

SEED = 11
HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, "bookings.csv")

NUMERIC_COLS = ["lead_time", "adults", "children", "stays_weekend_nights", "stays_week_nights", "adr",
                "previous_cancellations", "special_requests"]
CATEGORICAL_COLS = ["hotel", "deposit_type", "market_segment"]
TARGET = "is_canceled"


def synthesize_bookings(path, n=600, seed=SEED):
    rng = np.random.default_rng(seed)
    hotels = ["City Hotel", "Resort Hotel"]
    deposits = ["No Deposit", "Non Refund", "Refundable"]
    segments = ["Online TA", "Offline TA/TO", "Direct", "Corporate", "Groups"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(NUMERIC_COLS + CATEGORICAL_COLS + [TARGET])
        for _ in range(n):
            lead = int(rng.gamma(2.0, 40.0))
            adr = round(float(rng.normal(105, 35)), 2)
            if rng.random() < 0.04:
                adr = ""
            deposit = rng.choice(deposits, p=[0.8, 0.15, 0.05])
            p_cancel = 0.15 + 0.002 * min(lead, 200) + (0.35 if deposit == "Non Refund" else 0.0)
            w.writerow([
                lead,
                int(rng.integers(1, 4)),
                int(rng.integers(0, 3)),
                int(rng.integers(0, 3)),
                int(rng.integers(0, 6)),
                adr,
                int(rng.poisson(0.1)),
                int(rng.integers(0, 4)),
                rng.choice(hotels),
                deposit,
                rng.choice(segments),
                int(rng.random() < min(p_cancel, 0.95)),
            ])


def load_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def encode_features(rows):
    vocab = {c: sorted({r[c] for r in rows}) for c in CATEGORICAL_COLS}
    feats = []
    for r in rows:
        if r["adr"] == "":
            continue
        num = [float(r[c]) for c in NUMERIC_COLS]
        onehots = []
        for c in CATEGORICAL_COLS:
            onehots += [1.0 if r[c] == v else 0.0 for v in vocab[c]]
        feats.append(num + onehots)
    X = np.asarray(feats, dtype=np.float32)
    mu, sd = X[:, :len(NUMERIC_COLS)].mean(0), X[:, :len(NUMERIC_COLS)].std(0) + 1e-6
    X[:, :len(NUMERIC_COLS)] = (X[:, :len(NUMERIC_COLS)] - mu) / sd
    return X


def encode_target(rows):
    return np.asarray([float(r[TARGET]) for r in rows], dtype=np.float32)


def make_mlp(n_in, hidden=(64, 32), p_drop=0.1):
    layers, prev = [], n_in
    for h in hidden:
        layers += [nn.Linear(prev, h), nn.ReLU(), nn.Dropout(p_drop)]
        prev = h
    layers.append(nn.Linear(prev, 1))
    return nn.Sequential(*layers)


def time_split(n, frac=0.8):
    # bookings are already in arrival order, hold out the most recent ones
    cut = int(n * frac)
    return slice(0, cut), slice(cut, None)


def main():
    torch.manual_seed(SEED)
    synthesize_bookings(CSV_PATH)
    rows = load_rows(CSV_PATH)

    X = torch.from_numpy(encode_features(rows))
    y = torch.from_numpy(encode_target(rows))
    print(f"loaded {len(rows)} bookings, feature matrix {tuple(X.shape)}")

    tr, va = time_split(len(rows))
    X_tr, X_va = X[tr], X[va]
    y_tr, y_va = y[tr], y[va]

    model = make_mlp(X.shape[1])
    pos_weight = torch.tensor([(1 - y_tr.mean()) / y_tr.mean()])
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)

    for epoch in range(30):
        model.train()
        opt.zero_grad()
        logits = model(X_tr).squeeze(-1)
        loss = criterion(logits, y_tr)
        loss.backward()
        opt.step()

        if epoch % 10 == 0:
            model.eval()
            with torch.no_grad():
                va_logits = model(X_va).squeeze(-1)
                va_loss = criterion(va_logits, y_va).item()
                va_acc = ((va_logits > 0).float() == y_va).float().mean().item()
            print(f"epoch {epoch:02d} train_loss={loss.item():.4f} val_loss={va_loss:.4f} val_acc={va_acc:.3f}")


if __name__ == "__main__":
    main()
