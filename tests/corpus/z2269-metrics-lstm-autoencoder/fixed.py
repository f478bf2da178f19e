# Unsupervised anomaly detection on host metrics (cpu %, mem %, p99 latency ms)
# LSTM autoencoder over sliding windows, threshold on reconstruction error,
# evaluated with point-adjusted F1 against the incident timeline.
import math

import numpy as np
import torch
import torch.nn as nn

CFG = {
    "n_steps": 720,          # 12h at 1-minute resolution
    "window": 30,
    "stride": 1,
    "hidden": 16,
    "latent": 8,
    "epochs": 3,
    "batch_size": 64,
    "lr": 5e-3,
    "train_frac": 0.5,
    "quantile": 0.98,
    "seed": 7,
}

torch.manual_seed(CFG["seed"])
rng = np.random.default_rng(CFG["seed"])


def make_metrics(n):
    t = np.arange(n)
    cpu = 35 + 10 * np.sin(2 * math.pi * t / 240) + rng.normal(0, 2, n)
    mem = 60 + 0.01 * t + rng.normal(0, 1, n)
    lat = 120 + 15 * np.sin(2 * math.pi * t / 60) + rng.normal(0, 5, n)
    labels = np.zeros(n, dtype=np.int64)
    for start, dur in [(430, 12), (560, 20), (655, 8)]:
        cpu[start:start + dur] += 40
        lat[start:start + dur] *= 2.5
        labels[start:start + dur] = 1
    X = np.stack([cpu, mem, lat], axis=1).astype(np.float32)
    return torch.from_numpy(X), torch.from_numpy(labels)


def zscore(x, ref):
    mu, sd = ref.mean(0, keepdim=True), ref.std(0, keepdim=True)
    return (x - mu) / (sd + 1e-6)


def sliding_windows(x, window, stride):
    # (T, F) -> (T - window + 1, window, F)
    return x.unfold(0, window, stride).permute(0, 2, 1).contiguous()


class LSTMAE(nn.Module):
    def __init__(self, n_feat, hidden, latent):
        super().__init__()
        self.enc = nn.LSTM(n_feat, hidden, batch_first=True)
        self.to_z = nn.Linear(hidden, latent)
        self.from_z = nn.Linear(latent, hidden)
        self.dec = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_feat)

    def forward(self, x):
        _, (h, _) = self.enc(x)
        z = self.to_z(h[-1])
        rep = self.from_z(z).unsqueeze(1).repeat(1, x.size(1), 1)
        y, _ = self.dec(rep)
        return self.out(y)


def train_ae(model, windows, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    loss_fn = nn.MSELoss()
    for ep in range(cfg["epochs"]):
        perm = torch.randperm(len(windows))
        running = 0.0
        for i in range(0, len(perm), cfg["batch_size"]):
            xb = windows[perm[i:i + cfg["batch_size"]]]
            loss = loss_fn(model(xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        print(f"epoch {ep} recon mse {running / len(windows):.4f}")


@torch.no_grad()
def window_scores(model, windows):
    model.eval()
    recon = model(windows)
    return ((recon - windows) ** 2).mean(dim=(1, 2))


def point_adjust(scores, labels, threshold):
    preds = torch.zeros_like(labels)
    for t in range(len(labels)):
        if scores[t] > threshold:
            preds[t] = 1
    # if any point inside an anomaly segment is flagged, the whole segment counts as detected
    t = 0
    while t < len(labels):
        if labels[t] == 1:
            end = t
            while end < len(labels) and labels[end] == 1:
                end += 1
            if preds[t:end].any():
                preds[t:end] = 1
            t = end
        else:
            t += 1
    return preds


def f1(preds, labels):
    tp = ((preds == 1) & (labels == 1)).sum().item()
    fp = ((preds == 1) & (labels == 0)).sum().item()
    fn = ((preds == 0) & (labels == 1)).sum().item()
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def main():
    metrics, labels = make_metrics(CFG["n_steps"])
    n_train = int(CFG["train_frac"] * len(metrics))
    metrics = zscore(metrics, metrics[:n_train])

    windows = sliding_windows(metrics, CFG["window"], CFG["stride"])
    train_windows = windows[: n_train - CFG["window"] + 1]
    print("windows:", tuple(windows.shape), "train windows:", len(train_windows))

    model = LSTMAE(metrics.size(1), CFG["hidden"], CFG["latent"])
    train_ae(model, train_windows, CFG)

    train_scores = window_scores(model, train_windows)
    threshold = torch.quantile(train_scores, CFG["quantile"]).item()
    scores = window_scores(model, windows)

    window_labels = labels[CFG["window"] - 1:]
    preds = point_adjust(scores, window_labels, threshold)
    p, r, f = f1(preds, window_labels)
    print(f"threshold={threshold:.4f} precision={p:.3f} recall={r:.3f} f1={f:.3f}")


if __name__ == "__main__":
    main()
