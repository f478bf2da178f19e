"""Weather-station multi-task model: a shared GRU over hourly sensor readings feeds
  - a 6-hour temperature forecast head (readings have gaps, so the loss is masked),
  - a rain / no-rain head for the next hour,
  - a sensor-fault classifier (ok / drift / stuck / spike).
Each task has its own labelled subset of different size; every step draws one batch per task."""
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

N_SENSORS = 6          # temperature, humidity, pressure, wind speed, wind dir, radiation
WINDOW = 48            # hours of history
HORIZON = 6
FAULT_CLASSES = 4


def make_subset(n, task):
    readings = torch.randn(n, WINDOW, N_SENSORS)
    if task == "forecast":
        future = torch.randn(n, HORIZON)
        observed = (torch.rand(n, HORIZON) > 0.2).float()   # ~20% of future hours missing
        return {"x": readings, "y": future * observed, "observed": observed}
    if task == "rain":
        return {"x": readings, "y": (torch.rand(n) > 0.7).float()}
    return {"x": readings, "y": torch.randint(0, FAULT_CLASSES, (n,))}


def batches(subset, batch_size):
    n = subset["x"].shape[0]
    while True:
        order = torch.randperm(n)
        for start in range(0, n - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            yield {k: v[idx] for k, v in subset.items()}


class StationEncoder(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.norm = nn.LayerNorm(N_SENSORS)
        self.gru = nn.GRU(N_SENSORS, hidden, num_layers=2, batch_first=True, dropout=0.1)

    def forward(self, x):
        _, h_n = self.gru(self.norm(x))
        return h_n[-1]


class StationModel(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.encoder = StationEncoder(hidden)
        self.forecast_head = nn.Linear(hidden, HORIZON)
        self.rain_head = nn.Linear(hidden, 1)
        self.fault_head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, FAULT_CLASSES))

    def forward(self, x, task):
        z = self.encoder(x)
        if task == "forecast":
            return self.forecast_head(z)
        if task == "rain":
            return self.rain_head(z).squeeze(-1)
        return self.fault_head(z)


def masked_forecast_loss(pred, target, observed):
    per_hour = F.mse_loss(pred, target, reduction="none") * observed
    return (per_hour.sum(dim=1) / observed.sum(dim=1).clamp(min=1.0)).mean()


def task_loss(task, out, batch):
    if task == "forecast":
        return masked_forecast_loss(out, batch["y"], batch["observed"])
    if task == "rain":
        return F.binary_cross_entropy_with_logits(out, batch["y"])
    return F.cross_entropy(out, batch["y"])


def evaluate(model, subsets):
    model.eval()
    with torch.no_grad():
        x = subsets["fault"]["x"][:64]
        acc = (model(x, "fault").argmax(-1) == subsets["fault"]["y"][:64]).float().mean()
    model.train()
    return acc.item()


def main():
    subsets = {"forecast": make_subset(400, "forecast"),
               "rain": make_subset(150, "rain"),
               "fault": make_subset(90, "fault")}
    streams = {t: batches(s, batch_size=16) for t, s in subsets.items()}
    weights = {"forecast": 1.0, "rain": 0.5, "fault": 0.5}

    model = StationModel()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)

    for step in itertools.count():
        if step == 40:
            break
        losses = {}
        for task, stream in streams.items():
            batch = next(stream)
            losses[task] = task_loss(task, model(batch["x"], task), batch)
        total = sum(weights[t] * losses[t] for t in losses)

        opt.zero_grad()
        total.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()

        if step % 10 == 0:
            parts = " ".join(f"{t}={v.item():.3f}" for t, v in losses.items())
            print(f"step {step:02d} total={total.item():.3f} {parts} fault_acc={evaluate(model, subsets):.2f}")


if __name__ == "__main__":
    main()
