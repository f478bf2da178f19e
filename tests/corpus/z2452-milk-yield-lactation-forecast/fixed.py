import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

SEED = 11
N_COWS = 32
LACTATION_DAYS = 305
COLOSTRUM_DAYS = 7
LOOKBACK = 14
BATCH_SIZE = 64
EPOCHS = 2
LR = 3e-3

torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)


def woods_curve(days, a, b, c):
    return a * np.power(days, b) * np.exp(-c * days)


def simulate_parlour_export(n_cows, n_days):
    days = np.arange(1, n_days + 1, dtype=np.float64)
    yields, intake = [], []
    for _ in range(n_cows):
        a = rng.uniform(14.0, 22.0)
        b = rng.uniform(0.18, 0.28)
        c = rng.uniform(0.0030, 0.0045)
        curve = woods_curve(days, a, b, c)
        dmi = 0.35 * curve + 9.0 + rng.normal(0, 0.8, n_days)
        milk = curve + 0.15 * (dmi - dmi.mean()) + rng.normal(0, 1.2, n_days)
        yields.append(milk)
        intake.append(dmi)
    return (torch.tensor(np.stack(yields), dtype=torch.float32),
            torch.tensor(np.stack(intake), dtype=torch.float32))


def drop_colostrum_period(milk_kg):
    # milk from the first days after calving goes to the calves, not the tank
    return milk_kg[:, COLOSTRUM_DAYS:]


def standardise(x):
    mu = x.mean()
    sd = x.std()
    return (x - mu) / sd, mu, sd


def build_windows(yields, feed_intake, lookback):
    feats, targets = [], []
    n_cows = yields.shape[0]
    n_days = feed_intake.shape[1]
    for cow in range(n_cows):
        for t in range(lookback, n_days):
            past_milk = yields[cow, t - lookback:t]
            past_feed = feed_intake[cow, t - lookback:t]
            feats.append(torch.stack([past_milk, past_feed], dim=-1))
            targets.append(yields[cow, t])
    return torch.stack(feats), torch.stack(targets)


class YieldGRU(nn.Module):
    def __init__(self, n_inputs=2, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_inputs, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        _, h = self.gru(x)
        return self.head(h[-1]).squeeze(-1)


def main():
    milk_kg, dmi_kg = simulate_parlour_export(N_COWS, LACTATION_DAYS)
    yields = drop_colostrum_period(milk_kg)
    feed_intake = drop_colostrum_period(dmi_kg)

    yields_z, y_mu, y_sd = standardise(yields)
    feed_z, _, _ = standardise(feed_intake)

    X, y = build_windows(yields_z, feed_z, LOOKBACK)
    print(f"windows: {tuple(X.shape)} targets: {tuple(y.shape)}")

    n_train = int(0.8 * len(X))
    perm = torch.randperm(len(X))
    train_idx, val_idx = perm[:n_train], perm[n_train:]
    train_dl = DataLoader(TensorDataset(X[train_idx], y[train_idx]), batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(TensorDataset(X[val_idx], y[val_idx]), batch_size=256)

    model = YieldGRU()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()

    for epoch in range(EPOCHS):
        model.train()
        running = 0.0
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        model.eval()
        with torch.no_grad():
            sq_err = sum(((model(xb) - yb) ** 2).sum().item() for xb, yb in val_dl)
        rmse_kg = math.sqrt(sq_err / len(val_idx)) * y_sd.item()
        print(f"epoch {epoch}: train mse {running / n_train:.4f}  val rmse {rmse_kg:.2f} kg/day")


if __name__ == "__main__":
    main()
