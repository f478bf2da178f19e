import math
import torch
import torch.nn as nn

torch.manual_seed(0)

WINDOW = 24
HORIZON = 6
STRIDE = 5


def make_building_readings(n_sensors, length, phase_shift=0.0):
    t = torch.arange(length, dtype=torch.float32)
    daily = torch.sin(2 * math.pi * (t + phase_shift) / 24.0)
    rows = []
    for k in range(n_sensors):
        base = 20.0 + 1.5 * k
        rows.append(base + 2.0 * daily + 0.3 * torch.randn(length))
    return torch.stack(rows)


def sliding_windows(series, window):
    xs, ys = [], []
    for s in range(series.shape[1] - window):
        xs.append(series[:, s:s + window])
        ys.append(series[:, s + window])
    x = torch.cat(xs, dim=0)
    y = torch.cat(ys, dim=0)
    return x, y


class NextStepMLP(nn.Module):
    def __init__(self, window, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(window, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


train_series = make_building_readings(4, 240)
test_series = make_building_readings(4, 120, phase_shift=3.0)
mu, sigma = train_series.mean(), train_series.std()
train_series = (train_series - mu) / sigma
test_series = (test_series - mu) / sigma

x_train, y_train = sliding_windows(train_series, WINDOW)
model = NextStepMLP(WINDOW)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(5):
    perm = torch.randperm(x_train.shape[0])
    total = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        pred = model(x_train[idx])
        loss = nn.functional.mse_loss(pred, y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch} train mse {total / len(perm):.4f}")


@torch.no_grad()
def rollout_errors(model, series):
    model.eval()
    per_step = torch.zeros(HORIZON)
    n_windows = 0
    T = series.shape[1]
    for start in range(0, T - WINDOW, STRIDE):
        context = series[:, start:start + WINDOW].clone()
        for h in range(HORIZON):
            guess = model(context)
            truth = series[:, start + WINDOW + h]
            per_step[h] += (guess - truth).abs().mean()
            context = torch.cat([context[:, 1:], guess.unsqueeze(1)], dim=1)
        n_windows += 1
    return per_step / n_windows


mae = rollout_errors(model, test_series)
for h, err in enumerate(mae.tolist(), start=1):
    print(f"t+{h}: MAE {err * sigma.item():.3f} degC")
