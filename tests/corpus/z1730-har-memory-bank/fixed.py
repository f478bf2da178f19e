"""Instance-discrimination pretraining for wearable accelerometer windows (PIRL-style memory bank),
followed by a 5-shot nearest-centroid activity probe.

Windows are exported from the logging app as a flat CSV: window_id, activity, then 3 x T samples.
"""
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class BankConfig:
    n_windows: int = 48
    n_activities: int = 6
    window_len: int = 64
    emb_dim: int = 32
    n_negatives: int = 64
    temperature: float = 0.07
    bank_momentum: float = 0.5
    batch_size: int = 24
    epochs: int = 2
    k_shot: int = 5
    lr: float = 2e-3
    seed: int = 11


def export_windows(cfg, path):
    rng = np.random.default_rng(cfg.seed)
    t = np.linspace(0, 2 * np.pi, cfg.window_len)
    rows = []
    for wid in range(cfg.n_windows):
        act = wid % cfg.n_activities
        freq = 1.0 + act
        axes = [np.sin(freq * t + p) * (0.5 + 0.2 * act) for p in (0.0, 1.0, 2.0)]
        sig = np.stack(axes) + 0.3 * rng.standard_normal((3, cfg.window_len))
        rows.append(np.concatenate([[wid, act], sig.ravel()]))
    np.savetxt(path, np.array(rows), delimiter=",", fmt="%.5f")


def augment(x):
    scale = 1 + 0.1 * torch.randn(x.size(0), 3, 1)
    shift = torch.randint(0, 8, (1,)).item()
    return torch.roll(x * scale, shifts=shift, dims=-1) + 0.05 * torch.randn_like(x)


class MotionEncoder(nn.Module):
    def __init__(self, emb_dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(3, 32, 7, padding=3), nn.ReLU(),
            nn.Conv1d(32, 32, 5, padding=2, stride=2), nn.ReLU(),
            nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(32, emb_dim),
        )

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1)


class MemoryBank:
    def __init__(self, size, dim, momentum):
        self.feats = F.normalize(torch.randn(size, dim), dim=-1)
        self.momentum = momentum

    def positives(self, idx):
        return self.feats[idx]

    def sample_negatives(self, n):
        return self.feats[torch.randint(0, self.feats.size(0), (n,))]

    def update(self, idx, new):
        mixed = self.momentum * self.feats[idx] + (1 - self.momentum) * new.detach()
        self.feats[idx] = F.normalize(mixed, dim=-1)


def main():
    cfg = BankConfig()
    torch.manual_seed(cfg.seed)
    csv_path = os.path.join(tempfile.mkdtemp(), "windows.csv")
    export_windows(cfg, csv_path)

    table = torch.from_numpy(np.loadtxt(csv_path, delimiter=",")).float()
    window_ids = table[:, 0].long()
    activity = table[:, 1].long()
    signals = table[:, 2:].reshape(-1, 3, cfg.window_len)

    encoder = MotionEncoder(cfg.emb_dim)
    bank = MemoryBank(cfg.n_windows, cfg.emb_dim, cfg.bank_momentum)
    opt = torch.optim.Adam(encoder.parameters(), lr=cfg.lr)
    loader = DataLoader(TensorDataset(signals, window_ids), batch_size=cfg.batch_size, shuffle=True)

    for epoch in range(cfg.epochs):
        total = 0.0
        for sig, wid in loader:
            z = encoder(augment(sig))
            pos = (z * bank.positives(wid)).sum(-1, keepdim=True)
            neg = z @ bank.sample_negatives(cfg.n_negatives).T
            logits = torch.cat([pos, neg], dim=1) / cfg.temperature
            loss = F.cross_entropy(logits, torch.zeros(z.size(0), dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            opt.step()
            bank.update(wid, z)
            total += loss.item()
        print(f"epoch {epoch} nce loss {total / len(loader):.4f}")

    encoder.eval()
    with torch.no_grad():
        emb = encoder(signals)
    support_idx = torch.cat([torch.nonzero(activity == a).flatten()[:cfg.k_shot] for a in range(cfg.n_activities)])
    query_mask = torch.ones(cfg.n_windows, dtype=torch.bool)
    query_mask[support_idx] = False
    centroids = torch.stack([emb[support_idx][activity[support_idx] == a].mean(0) for a in range(cfg.n_activities)])
    pred = (emb[query_mask] @ F.normalize(centroids, dim=-1).T).argmax(-1)
    acc = (pred == activity[query_mask]).float().mean().item()
    print(f"{cfg.n_activities}-way {cfg.k_shot}-shot probe accuracy: {acc:.3f}")


if __name__ == "__main__":
    main()
