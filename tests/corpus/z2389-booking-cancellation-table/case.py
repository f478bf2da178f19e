import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

CFG = {
    "n_bookings": 2000,
    "batch_size": 128,
    "epochs": 3,
    "lr": 2e-3,
    "emb_dim": 8,
    "hidden": 64,
}

CAT_COLS = {
    "hotel_type": 2,          # city / resort
    "market_segment": 7,
    "deposit_type": 3,
    "customer_type": 4,
    "arrival_month": 12,
}
NUM_COLS = ["lead_time", "adr", "stays_weekend", "stays_week", "prev_cancellations", "special_requests"]


def make_bookings(n):
    cols = {}
    for name, card in CAT_COLS.items():
        cols[name] = rng.integers(0, card, size=n)
    cols["lead_time"] = rng.gamma(2.0, 40.0, size=n)
    cols["adr"] = rng.normal(110, 35, size=n).clip(20, None)
    cols["stays_weekend"] = rng.poisson(1.0, size=n)
    cols["stays_week"] = rng.poisson(2.5, size=n)
    cols["prev_cancellations"] = rng.poisson(0.2, size=n)
    cols["special_requests"] = rng.poisson(0.7, size=n)

    logit = (
        0.012 * cols["lead_time"]
        + 0.9 * (cols["deposit_type"] == 1)
        + 0.6 * cols["prev_cancellations"]
        - 0.5 * cols["special_requests"]
        - 1.2
    )
    cols["is_canceled"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return cols


def to_matrix(cols):
    order = list(CAT_COLS) + NUM_COLS
    X = np.column_stack([cols[c] for c in order]).astype(np.float32)
    y = cols["is_canceled"].astype(np.float32)
    return X, y


def standardize(X, n_cat):
    num = X[:, n_cat:]
    mu, sd = num.mean(0), num.std(0) + 1e-6
    X = X.copy()
    X[:, n_cat:] = (num - mu) / sd
    return X


class CancellationNet(nn.Module):
    def __init__(self, cat_cards, n_num, emb_dim, hidden):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(card, emb_dim) for card in cat_cards])
        in_dim = emb_dim * len(cat_cards) + n_num
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )

    def forward(self, x_cat, x_num):
        embedded = [emb(x_cat[:, i]) for i, emb in enumerate(self.embs)]
        h = torch.cat(embedded + [x_num], dim=1)
        return self.mlp(h).squeeze(1)


def split_features(xb, n_cat):
    return xb[:, :n_cat], xb[:, n_cat:]


def train():
    cols = make_bookings(CFG["n_bookings"])
    X, y = to_matrix(cols)
    n_cat = len(CAT_COLS)
    X = standardize(X, n_cat)

    idx = rng.permutation(len(X))
    cut = int(0.8 * len(X))
    tr, va = idx[:cut], idx[cut:]

    train_ds = TensorDataset(torch.from_numpy(X[tr]), torch.from_numpy(y[tr]))
    val_ds = TensorDataset(torch.from_numpy(X[va]), torch.from_numpy(y[va]))
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=256)

    model = CancellationNet(list(CAT_COLS.values()), len(NUM_COLS), CFG["emb_dim"], CFG["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    crit = nn.BCEWithLogitsLoss()

    for epoch in range(CFG["epochs"]):
        model.train()
        for xb, yb in train_dl:
            x_cat, x_num = split_features(xb, n_cat)
            loss = crit(model(x_cat, x_num), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                x_cat, x_num = split_features(xb, n_cat)
                pred = (model(x_cat, x_num) > 0).float()
                correct += (pred == yb).sum().item()
        print(f"epoch {epoch}: val acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    train()
