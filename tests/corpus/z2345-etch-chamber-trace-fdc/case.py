import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SENSORS = ["rf_fwd", "rf_refl", "dc_bias", "pressure", "he_backside", "chuck_temp", "oes_703", "oes_777"]
CFG = {
    "n_steps": 80,
    "hidden": 32,
    "layers": 2,
    "n_faults": 3,          # 0 = normal, 1 = rf drift, 2 = pressure spike
    "batch": 32,
    "epochs": 3,
    "lr": 2e-3,
    "fast_init": True,
    "seed": 11,
}


def simulate_wafer_traces(n_wafers, n_steps, rng):
    t = np.linspace(0, 1, n_steps, dtype=np.float32)
    base = np.stack([
        800 + 5 * np.sin(6 * t), 12 + 0 * t, -350 + 20 * t, 40 + 0 * t,
        8 + 0 * t, 60 + 2 * t, 1.0 + 0.3 * np.exp(-4 * t), 0.6 + 0.2 * t,
    ], axis=-1)
    X = np.repeat(base[None], n_wafers, axis=0)
    X = X + rng.normal(0, 0.02, X.shape).astype(np.float32) * np.abs(base).mean(0)
    y = rng.integers(0, 3, n_wafers)
    for i in np.where(y == 1)[0]:
        X[i, :, 0] += np.linspace(0, rng.uniform(20, 40), n_steps)
        X[i, :, 1] += np.linspace(0, rng.uniform(2, 5), n_steps)
    for i in np.where(y == 2)[0]:
        s = rng.integers(20, n_steps - 20)
        X[i, s:s + 8, 3] += rng.uniform(4, 8)
    return X.astype(np.float32), y.astype(np.int64)


class TraceFDC(nn.Module):
    def __init__(self, n_sensors, hidden, layers, n_classes):
        super().__init__()
        self.sensor_mean = torch.zeros(n_sensors)
        self.sensor_std = torch.ones(n_sensors)
        self.proj = nn.Linear(n_sensors, hidden)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=layers, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(2 * hidden, 1)
        self.cls = nn.Linear(2 * hidden, n_classes)

    @torch.no_grad()
    def set_normalization(self, mean, std):
        self.sensor_mean.copy_(mean)
        self.sensor_std.copy_(std)

    def forward(self, x):
        x = (x - self.sensor_mean) / self.sensor_std
        h, _ = self.lstm(F.gelu(self.proj(x)))
        w = torch.softmax(self.attn(h).squeeze(-1), dim=1)
        pooled = torch.einsum("bt,btd->bd", w, h)
        return self.cls(pooled)


def build_model(cfg, device):
    kwargs = dict(n_sensors=len(SENSORS), hidden=cfg["hidden"], layers=cfg["layers"],
                  n_classes=cfg["n_faults"])
    if not cfg["fast_init"]:
        return TraceFDC(**kwargs).to(device)
    with torch.device("meta"):
        model = TraceFDC(**kwargs)
    model.to_empty(device=device)
    for m in model.modules():
        if hasattr(m, "reset_parameters"):
            m.reset_parameters()
    return model


def batches(X, y, bs, shuffle, gen):
    idx = torch.randperm(len(X), generator=gen) if shuffle else torch.arange(len(X))
    for i in range(0, len(X), bs):
        j = idx[i:i + bs]
        yield X[j], y[j]


def evaluate(model, X, y, bs):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in batches(X, y, bs, False, None):
            correct += (model(xb).argmax(-1) == yb).sum().item()
    return correct / len(X)


def main():
    cfg = CFG
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    device = torch.device("cpu")

    X, y = simulate_wafer_traces(320, cfg["n_steps"], rng)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    n_tr = 256
    X_tr, y_tr, X_va, y_va = X[:n_tr], y[:n_tr], X[n_tr:], y[n_tr:]

    t0 = time.time()
    model = build_model(cfg, device)
    model.set_normalization(X_tr.mean(dim=(0, 1)), X_tr.std(dim=(0, 1)) + 1e-6)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"built TraceFDC with {n_params} params in {time.time() - t0:.2f}s")

    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    steps = cfg["epochs"] * math.ceil(n_tr / cfg["batch"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    gen = torch.Generator().manual_seed(cfg["seed"])

    for epoch in range(cfg["epochs"]):
        model.train()
        tot = 0.0
        for xb, yb in batches(X_tr, y_tr, cfg["batch"], True, gen):
            xb, yb = xb.to(device), yb.to(device)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot += loss.item() * len(yb)
        acc = evaluate(model, X_va, y_va, 128)
        print(f"epoch {epoch}: loss {tot / n_tr:.4f}  val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
