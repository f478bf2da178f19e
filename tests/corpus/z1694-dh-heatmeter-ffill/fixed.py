"""24 h ahead heat demand for district-heating substations with flaky heat meters.

The M-Bus heat meters drop readings for hours at a time. Gaps are forward-filled
inside the model, and both the observed flag and the age of the last valid reading
are fed to the network so it can discount stale values.
"""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(21)
rng = np.random.default_rng(21)

LOOKBACK = 72
HORIZON = 24
N_SUBSTATIONS = 12
N_HOURS = 24 * 20


def simulate_network():
    hours = np.arange(N_HOURS)
    hod, dow = hours % 24, (hours // 24) % 7
    month = (hours // (24 * 30)) % 12
    outdoor = 2 + 6 * np.sin(2 * np.pi * (hours / 24 - 20) / 150) + 3 * np.sin(2 * np.pi * (hod - 14) / 24)
    demand = np.empty((N_SUBSTATIONS, N_HOURS), dtype=np.float32)
    for s in range(N_SUBSTATIONS):
        size = rng.uniform(0.4, 2.0)
        dhw = 0.3 * np.exp(-((hod - 7) ** 2) / 3) + 0.2 * np.exp(-((hod - 20) ** 2) / 4)
        demand[s] = size * (np.clip(16 - outdoor, 0, None) * 0.12 + dhw) + rng.normal(0, 0.05, N_HOURS)
    observed = np.ones_like(demand)
    for s in range(N_SUBSTATIONS):
        for _ in range(25):
            a = rng.integers(1, N_HOURS - 12)
            observed[s, a:a + rng.integers(1, 12)] = 0.0
    readings = np.where(observed > 0, demand, np.nan).astype(np.float32)
    calendar = np.stack([hod, dow, month], -1)
    return readings, observed, demand, outdoor.astype(np.float32), calendar


def build_samples(readings, observed, demand, outdoor, calendar, stride=6):
    cols = {k: [] for k in ("meter", "obs", "temp", "cal", "target")}
    for s in range(readings.shape[0]):
        for end in range(LOOKBACK, N_HOURS - HORIZON, stride):
            cols["meter"].append(readings[s, end - LOOKBACK:end])
            cols["obs"].append(observed[s, end - LOOKBACK:end])
            cols["temp"].append(outdoor[end - LOOKBACK:end + HORIZON])
            cols["cal"].append(calendar[end - LOOKBACK:end])
            cols["target"].append(demand[s, end:end + HORIZON])
    out = {k: torch.from_numpy(np.stack(v)) for k, v in cols.items()}
    out["cal"] = out["cal"].long()
    return out


def fill_gaps(meter, obs):
    steps = torch.arange(meter.size(1)).expand_as(meter)
    last_seen = (steps * obs.long()).cummax(dim=1).values
    filled = torch.nan_to_num(meter.gather(1, last_seen), nan=0.0)
    age = (steps - last_seen) / 24.0
    return filled, age


class HeatDemandNet(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.hod = nn.Embedding(24, 6)
        self.dow = nn.Embedding(7, 3)
        self.month = nn.Embedding(12, 3)
        self.lstm = nn.LSTM(4 + 12, hidden, batch_first=True)
        self.head = nn.Linear(hidden + HORIZON, HORIZON)

    def forward(self, meter, obs, temp, cal):
        filled, age = fill_gaps(meter, obs)
        past_temp, future_temp = temp[:, :LOOKBACK], temp[:, LOOKBACK:]
        x = torch.cat([
            torch.stack([filled, obs, age, past_temp / 10], -1),
            self.hod(cal[..., 0]), self.dow(cal[..., 1]), self.month(cal[..., 2]),
        ], -1)
        _, (h, _) = self.lstm(x)
        return self.head(torch.cat([h[-1], future_temp / 10], -1))


def main():
    data = build_samples(*simulate_network())
    n = len(data["target"])
    print(f"{n} samples, {100 * (1 - data['obs'].mean()):.1f}% of meter hours missing")
    perm = torch.randperm(n)
    train_idx, test_idx = perm[: int(0.8 * n)], perm[int(0.8 * n):]

    model = HeatDemandNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(1):
        model.train()
        for b in train_idx.split(128):
            pred = model(data["meter"][b], data["obs"][b], data["temp"][b], data["cal"][b])
            loss = nn.functional.mse_loss(pred, data["target"][b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: train mse {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        t = test_idx
        pred = model(data["meter"][t], data["obs"][t], data["temp"][t], data["cal"][t])
        mae = (pred - data["target"][t]).abs().mean(0)
    print("MAE by lead hour:", " ".join(f"{v:.3f}" for v in mae[::6].tolist()))


if __name__ == "__main__":
    main()
