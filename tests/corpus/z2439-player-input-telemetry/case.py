import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 21
CHANNELS = ["apm", "mouse_px_per_s", "clicks", "camera_moves", "hotkey_presses"]

settings = {
    "window_min": 3,          # early-game only: flag scripted accounts before the first fight
    "bin_seconds": 5,
    "n_players": 600,
    "bot_rate": 0.15,
    "conv_spec": [            # (out_ch, kernel, stride)
        (32, 7, 2),
        "pool",
        (64, 5, 1),
        "pool",
        (64, 5, 1),
    ],
    "lr": 1e-3,
    "epochs": 3,
    "batch": 32,
}


def raw_input_stream(rng, seconds, is_bot):
    t = np.arange(seconds * 10) / 10.0  # 10 Hz client telemetry
    base_apm = rng.uniform(120, 260)
    if is_bot:
        apm = base_apm + 5 * np.sin(2 * np.pi * t / 3.0) + rng.normal(0, 2, t.size)
        mouse = np.full(t.size, rng.uniform(900, 1100)) + rng.normal(0, 10, t.size)
    else:
        apm = base_apm + 40 * rng.standard_normal(t.size).cumsum() / np.sqrt(t.size)
        mouse = np.abs(rng.normal(700, 300, t.size))
    clicks = rng.poisson(np.clip(apm, 1, None) / 600.0)
    camera = rng.poisson(0.8 if is_bot else 1.5, t.size)
    hotkeys = rng.poisson(np.clip(apm, 1, None) / 900.0)
    return np.stack([apm, mouse, clicks, camera, hotkeys]).astype(np.float32)


def bin_signal(stream, bin_seconds, hz=10):
    per_bin = bin_seconds * hz
    n_bins = stream.shape[1] // per_bin
    trimmed = stream[:, : n_bins * per_bin]
    return trimmed.reshape(stream.shape[0], n_bins, per_bin).mean(-1)


def make_dataset(cfg, rng):
    seconds = cfg["window_min"] * 60
    xs, ys = [], []
    for _ in range(cfg["n_players"]):
        is_bot = rng.random() < cfg["bot_rate"]
        xs.append(bin_signal(raw_input_stream(rng, seconds, is_bot), cfg["bin_seconds"]))
        ys.append(float(is_bot))
    x = torch.from_numpy(np.stack(xs))
    mu = x.mean(dim=(0, 2), keepdim=True)
    sd = x.std(dim=(0, 2), keepdim=True) + 1e-6
    return (x - mu) / sd, torch.tensor(ys)


def build_cnn(in_ch, spec):
    layers, ch = [], in_ch
    for item in spec:
        if item == "pool":
            layers.append(nn.MaxPool1d(2))
            continue
        out_ch, k, s = item
        layers += [nn.Conv1d(ch, out_ch, kernel_size=k, stride=s), nn.BatchNorm1d(out_ch), nn.ReLU()]
        ch = out_ch
    layers += [nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(ch, 1)]
    return nn.Sequential(*layers)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(x).squeeze(-1))
    pred = (p > 0.5).float()
    tp = ((pred == 1) & (y == 1)).sum().item()
    prec = tp / max(pred.sum().item(), 1)
    rec = tp / max(y.sum().item(), 1)
    return (pred == y).float().mean().item(), prec, rec


def run(cfg):
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    x, y = make_dataset(cfg, rng)
    print(f"telemetry tensor {tuple(x.shape)} (players, channels, bins), bot share {y.mean():.2f}")
    n_train = int(0.8 * len(x))
    x_tr, y_tr, x_va, y_va = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

    model = build_cnn(len(CHANNELS), cfg["conv_spec"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    pos_weight = torch.tensor([(1 - cfg["bot_rate"]) / cfg["bot_rate"]])

    for epoch in range(cfg["epochs"]):
        model.train()
        perm = torch.randperm(n_train)
        for i in range(0, n_train, cfg["batch"]):
            idx = perm[i : i + cfg["batch"]]
            logits = model(x_tr[idx]).squeeze(-1)
            loss = F.binary_cross_entropy_with_logits(logits, y_tr[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        acc, prec, rec = evaluate(model, x_va, y_va)
        print(f"epoch {epoch} loss {loss.item():.4f} val acc {acc:.3f} prec {prec:.3f} rec {rec:.3f}")


if __name__ == "__main__":
    run(settings)
