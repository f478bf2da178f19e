"""AML alerting: score 14-day windows of per-account daily transfer aggregates."""
import random

import torch
import torch.nn as nn

torch.manual_seed(3)
random.seed(3)

N_ACCOUNTS = 30
N_DAYS = 90
WINDOW_DAYS = 14
STRIDE_DAYS = 7
DAILY_FIELDS = ["n_in", "n_out", "sum_in", "sum_out", "n_counterparties", "cash_share"]


def simulate_daily_aggregates():
    daily = torch.zeros(N_ACCOUNTS, N_DAYS, len(DAILY_FIELDS))
    structuring_start = torch.full((N_ACCOUNTS,), -1, dtype=torch.long)
    for acct in range(N_ACCOUNTS):
        base_in = random.uniform(0.5, 3.0)
        base_out = base_in * random.uniform(0.8, 1.1)
        for day in range(N_DAYS):
            n_in = torch.poisson(torch.tensor(base_in)).item()
            n_out = torch.poisson(torch.tensor(base_out)).item()
            daily[acct, day] = torch.tensor([
                n_in, n_out,
                n_in * random.uniform(50, 400), n_out * random.uniform(50, 400),
                random.randint(0, 4), random.uniform(0.0, 0.2),
            ])
        if random.random() < 0.2:
            start = random.randint(10, N_DAYS - 20)
            structuring_start[acct] = start
            for day in range(start, start + 10):
                k = random.randint(4, 9)
                daily[acct, day, 0] += k
                daily[acct, day, 2] += k * random.uniform(8000, 9900)
                daily[acct, day, 1] += 1
                daily[acct, day, 3] += k * random.uniform(7500, 9500)
                daily[acct, day, 4] += k
                daily[acct, day, 5] = random.uniform(0.6, 0.95)
    return daily, structuring_start


def cut_windows(daily, structuring_start):
    windows, flags = [], []
    for acct in range(daily.shape[0]):
        for begin in range(0, N_DAYS - WINDOW_DAYS + 1, STRIDE_DAYS):
            end = begin + WINDOW_DAYS
            windows.append(daily[acct, begin:end])
            s = structuring_start[acct].item()
            flags.append(float(s >= 0 and s < end and s + 10 > begin))
    return torch.stack(windows), torch.tensor(flags)


def standardize(train_x, *others):
    mu = train_x.mean(dim=(0, 1), keepdim=True)
    sd = train_x.std(dim=(0, 1), keepdim=True).clamp_min(1e-6)
    return [(x - mu) / sd for x in (train_x, *others)]


class WindowScorer(nn.Module):
    def __init__(self, n_fields, window_days, hidden=32):
        super().__init__()
        self.gru = nn.GRU(n_fields, hidden, batch_first=True)
        self.trajectory = nn.Sequential(nn.Linear(n_fields * window_days, hidden), nn.ReLU())
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, window):
        batch = window.shape[0]
        _, h_last = self.gru(window)
        per_field = window.transpose(1, 2)
        traj = self.trajectory(per_field.reshape(batch, -1))
        return self.out(torch.cat([h_last[-1], traj], dim=-1)).squeeze(-1)


def main():
    daily, structuring_start = simulate_daily_aggregates()
    daily[..., 2:4] = torch.log1p(daily[..., 2:4])
    x, y = cut_windows(daily, structuring_start)
    perm = torch.randperm(x.shape[0])
    x, y = x[perm], y[perm]
    cut = int(0.8 * x.shape[0])
    x_train, x_test = standardize(x[:cut], x[cut:])
    y_train, y_test = y[:cut], y[cut:]
    print(f"{x_train.shape[0]} train windows, {int(y_train.sum())} flagged")

    model = WindowScorer(len(DAILY_FIELDS), WINDOW_DAYS)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))

    for epoch in range(1):
        model.train()
        order = torch.randperm(x_train.shape[0])
        epoch_loss = 0.0
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            alerts = model(x_test) > 0
            tp = (alerts & (y_test == 1)).sum().item()
            precision = tp / max(1, alerts.sum().item())
            recall = tp / max(1, int(y_test.sum().item()))
        print(f"epoch {epoch}: loss {epoch_loss / len(order):.4f} "
              f"precision {precision:.3f} recall {recall:.3f}")


if __name__ == "__main__":
    main()
