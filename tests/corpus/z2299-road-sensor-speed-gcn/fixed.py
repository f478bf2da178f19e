import numpy as np
import torch
import torch.nn.functional as F

CFG = {
    "n_sensors": 48,
    "interval_min": 5,
    "history_min": 60,
    "coarse_min": 15,
    "horizon_steps": 3,
    "hidden": 32,
    "batch_size": 32,
    "lr": 2e-3,
    "epochs": 2,
    "knn": 4,
    "seed": 5,
}


def synth_corridor(cfg, n_days=3):
    """Loop-detector speeds (mph) along a freeway corridor, 5-minute bins."""
    rng = np.random.default_rng(cfg["seed"])
    steps_per_day = 24 * 60 // cfg["interval_min"]
    T = n_days * steps_per_day
    t = np.arange(T) % steps_per_day / steps_per_day
    N = cfg["n_sensors"]
    coords = np.cumsum(rng.uniform(0.3, 1.2, N))
    am = np.exp(-((t[:, None] - 0.33) ** 2) / 0.002) * rng.uniform(10, 30, N)
    pm = np.exp(-((t[:, None] - 0.72) ** 2) / 0.003) * rng.uniform(10, 35, N)
    speed = 65 - am - pm + rng.normal(0, 2.0, (T, N))
    return np.clip(speed, 5, 75).astype(np.float32), coords


def road_adjacency(coords, k):
    d = np.abs(coords[:, None] - coords[None, :])
    sigma = d[d > 0].std()
    W = np.exp(-(d ** 2) / sigma ** 2)
    thresh = np.sort(W, axis=1)[:, -(k + 1)][:, None]
    W = np.where(W >= thresh, W, 0.0)
    W = np.maximum(W, W.T)
    deg = W.sum(1)
    A = W / np.sqrt(deg[:, None] * deg[None, :])
    return torch.tensor(A, dtype=torch.float32)


def sliding_windows(speed, cfg):
    hist = cfg["history_min"] // cfg["interval_min"]
    hor = cfg["horizon_steps"]
    X, Y = [], []
    for s in range(0, len(speed) - hist - hor + 1, 2):
        X.append(speed[s:s + hist])
        Y.append(speed[s + hist + hor - 1])
    return torch.tensor(np.stack(X)), torch.tensor(np.stack(Y))


def init_params(cfg):
    g = torch.Generator().manual_seed(cfg["seed"])
    n_coarse = cfg["history_min"] // cfg["coarse_min"]
    H = cfg["hidden"]

    def p(*shape):
        return (torch.randn(*shape, generator=g) / np.sqrt(shape[0])).requires_grad_()

    return {
        "w_in": p(2 * n_coarse, H),
        "w_gc1": p(H, H),
        "w_gc2": p(H, H),
        "w_out": p(H, 1),
    }


def forward(params, x, A, cfg):
    B, T, N = x.shape
    n_coarse = cfg["history_min"] // cfg["coarse_min"]
    coarse = x.reshape(B, n_coarse, -1, N)
    feats = torch.cat([coarse.mean(2), coarse.amin(2)], dim=1)
    h = feats.permute(0, 2, 1) @ params["w_in"]
    h = F.relu(A @ h @ params["w_gc1"]) + h
    h = F.relu(A @ h @ params["w_gc2"]) + h
    return (h @ params["w_out"]).squeeze(-1)


def main(cfg):
    torch.manual_seed(cfg["seed"])
    speed, coords = synth_corridor(cfg)
    A = road_adjacency(coords, cfg["knn"])
    mu, sd = speed.mean(), speed.std()
    X, Y = sliding_windows((speed - mu) / sd, cfg)
    n_tr = int(0.8 * len(X))
    params = init_params(cfg)
    opt = torch.optim.Adam(params.values(), lr=cfg["lr"])

    for ep in range(cfg["epochs"]):
        perm = torch.randperm(n_tr)
        for i in range(0, n_tr, cfg["batch_size"]):
            idx = perm[i:i + cfg["batch_size"]]
            loss = F.mse_loss(forward(params, X[idx], A, cfg), Y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            pred = forward(params, X[n_tr:], A, cfg)
            mae = (pred - Y[n_tr:]).abs().mean().item() * sd
        print(f"epoch {ep}: train mse {loss.item():.4f}  val MAE {mae:.2f} mph")


if __name__ == "__main__":
    main(CFG)
