import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
rng = np.random.default_rng(7)

SENSORS = [
    "rf_fwd_power",
    "rf_refl_power",
    "chamber_pressure",
    "he_backside_flow",
    "esc_temp",
    "throttle_valve_pos",
]
N_RUNS = 64
TRACE_LEN = 90
HIDDEN = 24
EPOCHS = 4
LR = 3e-3
BATCH = 16


def simulate_runs(n_runs, trace_len, rng):
    t = np.linspace(0.0, 1.0, trace_len)
    traces, meta = [], []
    for i in range(n_runs):
        phase = rng.normal(0.0, 0.1, size=len(SENSORS))
        trace = np.stack(
            [np.sin(2 * np.pi * (k + 1) * t + phase[k]) for k in range(len(SENSORS))],
            axis=1,
        )
        trace += rng.normal(0.0, 0.05, size=trace.shape)
        faulty = bool(rng.random() < 0.15)
        if faulty:
            start = int(rng.integers(20, trace_len - 20))
            trace[start:start + 10, int(rng.integers(len(SENSORS)))] += rng.normal(1.5, 0.3)
        if rng.random() < 0.12:
            trace[int(rng.integers(trace_len // 2, trace_len)):, 2] = np.nan
        traces.append(trace)
        meta.append({
            "run_id": f"R{1000 + i}",
            "chamber": f"CH{int(rng.integers(1, 5))}",
            "lot": f"L{int(rng.integers(40, 48))}",
            "injected_fault": faulty,
        })
    return np.stack(traces).astype(np.float32), meta


def clean_traces(traces, meta):
    complete = ~np.isnan(traces).any(axis=(1, 2))
    return traces[complete], [m for m, keep in zip(meta, complete) if keep]


def standardize(x):
    mu = x.mean(axis=(0, 1), keepdims=True)
    sd = x.std(axis=(0, 1), keepdims=True) + 1e-6
    return (x - mu) / sd


class TraceAutoencoder(nn.Module):
    def __init__(self, n_sensors, hidden):
        super().__init__()
        self.encoder = nn.LSTM(n_sensors, hidden, batch_first=True)
        self.decoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_sensors)

    def forward(self, x):
        _, (h, _) = self.encoder(x)
        z = h[-1].unsqueeze(1).repeat(1, x.size(1), 1)
        dec, _ = self.decoder(z)
        return self.out(dec)


def train(model, x, epochs, lr, batch):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        perm = torch.randperm(x.size(0))
        total = 0.0
        for s in range(0, x.size(0), batch):
            xb = x[perm[s:s + batch]]
            opt.zero_grad()
            loss = loss_fn(model(xb), xb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.size(0)
        print(f"epoch {epoch} recon mse {total / x.size(0):.4f}")


def score_runs(model, x):
    model.eval()
    with torch.no_grad():
        recon = model(x)
        errs = ((recon - x) ** 2).mean(dim=(1, 2))
    return errs


raw_traces, run_meta = simulate_runs(N_RUNS, TRACE_LEN, rng)
clean, run_meta = clean_traces(raw_traces, run_meta)
traces = standardize(clean)
X = torch.from_numpy(traces)
print(f"{len(run_meta)} runs logged, training on tensor {tuple(X.shape)}")

model = TraceAutoencoder(len(SENSORS), HIDDEN)
train(model, X, EPOCHS, LR, BATCH)

errs = score_runs(model, X)
threshold = errs.mean() + 2 * errs.std()

report = []
for i, run in enumerate(run_meta):
    report.append({
        **run,
        "recon_err": errs[i].item(),
        "flagged": bool(errs[i] > threshold),
    })

by_chamber = {}
for row in report:
    by_chamber.setdefault(row["chamber"], []).append(row["flagged"])
for ch in sorted(by_chamber):
    flags = by_chamber[ch]
    print(f"{ch}: {sum(flags)}/{len(flags)} runs flagged")
