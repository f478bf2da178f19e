"""Per-hit signal/noise classification for a toy silicon tracker.

Events are generated with a handful of helical tracks plus uniform noise hits,
a readout threshold is applied, and a small MLP is trained on hand-built
per-hit features (position, energy deposit, same-layer neighbour density).
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 7,
    "n_events": 40,
    "layer_radii": [32.0, 72.0, 116.0, 171.0, 260.0, 360.0, 500.0, 600.0],
    "tracks_per_event": (4, 9),
    "noise_hits": (60, 120),
    "edep_threshold": 0.08,      # MeV, readout zero-suppression
    "neighbour_dphi": 0.05,
    "hidden": 64,
    "epochs": 5,
    "lr": 3e-3,
    "batch_size": 256,
}


def simulate_event(rng, cfg):
    radii = np.asarray(cfg["layer_radii"])
    n_trk = rng.integers(*cfg["tracks_per_event"])
    r, phi, z, edep, layer, is_sig = [], [], [], [], [], []
    for _ in range(n_trk):
        phi0 = rng.uniform(-math.pi, math.pi)
        curv = rng.normal(0.0, 4e-4)
        cot_theta = rng.normal(0.0, 0.8)
        for li, rad in enumerate(radii):
            if rng.random() < 0.05:          # inefficiency
                continue
            r.append(rad)
            phi.append(phi0 + curv * rad + rng.normal(0, 2e-3))
            z.append(cot_theta * rad + rng.normal(0, 0.5))
            edep.append(rng.gamma(4.0, 0.065))
            layer.append(li)
            is_sig.append(1)
    n_noise = rng.integers(*cfg["noise_hits"])
    nl = rng.integers(0, len(radii), size=n_noise)
    r.extend(radii[nl])
    phi.extend(rng.uniform(-math.pi, math.pi, n_noise))
    z.extend(rng.uniform(-600, 600, n_noise))
    edep.extend(rng.exponential(0.06, n_noise))
    layer.extend(nl)
    is_sig.extend([0] * n_noise)
    phi = (np.asarray(phi) + math.pi) % (2 * math.pi) - math.pi
    return {
        "r": torch.tensor(r, dtype=torch.float32),
        "phi": torch.tensor(phi, dtype=torch.float32),
        "z": torch.tensor(z, dtype=torch.float32),
        "edep": torch.tensor(edep, dtype=torch.float32),
        "layer": torch.tensor(layer, dtype=torch.long),
        "is_signal": torch.tensor(is_sig, dtype=torch.float32),
    }


def hit_features(event, cfg):
    hits = torch.stack([event["r"] / 600.0, event["phi"] / math.pi,
                        event["z"] / 600.0, event["edep"]], dim=1)
    keep = event["edep"] > cfg["edep_threshold"]
    hits = hits[keep]
    labels = event["is_signal"][keep]

    layer = event["layer"][keep]
    phi = hits[:, 1] * math.pi
    n_hits = hits.shape[0]

    feats = torch.zeros(hits.shape[0], 7)
    for i in range(n_hits):
        same_layer = layer == layer[i]
        dphi = torch.remainder(phi - phi[i] + math.pi, 2 * math.pi) - math.pi
        close = same_layer & (dphi.abs() < cfg["neighbour_dphi"])
        feats[i, :4] = hits[i]
        feats[i, 4] = close.sum() - 1
        feats[i, 5] = same_layer.sum() / n_hits
        feats[i, 6] = layer[i].float() / len(cfg["layer_radii"])
    return feats, labels


class HitMLP(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main():
    rng = np.random.default_rng(CFG["seed"])
    torch.manual_seed(CFG["seed"])

    all_x, all_y = [], []
    for _ in range(CFG["n_events"]):
        ev = simulate_event(rng, CFG)
        x, y = hit_features(ev, CFG)
        all_x.append(x)
        all_y.append(y)
    X = torch.cat(all_x)
    Y = torch.cat(all_y)
    print(f"{X.shape[0]} hits after threshold, signal fraction {Y.mean():.3f}")

    n_train = int(0.8 * len(X))
    perm = torch.randperm(len(X))
    tr, va = perm[:n_train], perm[n_train:]

    model = HitMLP(X.shape[1], CFG["hidden"])
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    pos_weight = (1 - Y[tr].mean()) / Y[tr].mean()

    for epoch in range(CFG["epochs"]):
        model.train()
        order = tr[torch.randperm(len(tr))]
        for s in range(0, len(order), CFG["batch_size"]):
            idx = order[s:s + CFG["batch_size"]]
            loss = F.binary_cross_entropy_with_logits(model(X[idx]), Y[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = torch.sigmoid(model(X[va])) > 0.5
            acc = (pred.float() == Y[va]).float().mean()
        print(f"epoch {epoch}  loss {loss.item():.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()
