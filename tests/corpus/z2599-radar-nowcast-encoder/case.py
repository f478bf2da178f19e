from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class NowcastConfig:
    grid_size: int = 100          # 1 km pixels, 100 x 100 km domain
    n_past: int = 6               # 6 scans x 5 min = 30 min of history
    in_channels: int = 1
    enc_channels: int = 8
    n_down: int = 3
    gru_hidden: int = 128
    batch_size: int = 4
    n_sequences: int = 16
    lr: float = 1e-3
    epochs: int = 2
    dbz_min: float = 0.0
    dbz_max: float = 70.0
    seed: int = 3


def synth_reflectivity(cfg: NowcastConfig):
    """Moving convective cells, returned as (N, T+1, 1, H, W) reflectivity in dBZ."""
    rng = np.random.default_rng(cfg.seed)
    g = cfg.grid_size
    yy, xx = np.mgrid[0:g, 0:g].astype(np.float32)
    seqs = np.zeros((cfg.n_sequences, cfg.n_past + 1, 1, g, g), dtype=np.float32)
    for n in range(cfg.n_sequences):
        n_cells = rng.integers(1, 4)
        x0 = rng.uniform(10, g - 30, n_cells)
        y0 = rng.uniform(10, g - 30, n_cells)
        u, v = rng.uniform(1, 3, n_cells), rng.uniform(-1, 2, n_cells)
        peak = rng.uniform(35, 65, n_cells)
        sigma = rng.uniform(3, 8, n_cells)
        for t in range(cfg.n_past + 1):
            frame = np.zeros((g, g), dtype=np.float32)
            for k in range(n_cells):
                cx, cy = x0[k] + u[k] * t, y0[k] + v[k] * t
                frame = np.maximum(frame, peak[k] * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sigma[k] ** 2)))
            seqs[n, t, 0] = frame
    seqs += rng.normal(0, 1.0, seqs.shape).astype(np.float32)
    return np.clip(seqs, cfg.dbz_min, cfg.dbz_max)


def scale_dbz(x, cfg):
    return (x - cfg.dbz_min) / (cfg.dbz_max - cfg.dbz_min)


class FrameEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers, ch = [], cfg.in_channels
        for i in range(cfg.n_down):
            out = cfg.enc_channels if i == cfg.n_down - 1 else cfg.enc_channels * 2
            layers += [nn.Conv2d(ch, out, 3, stride=2, padding=1), nn.GELU()]
            ch = out
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class RadarNowcaster(nn.Module):
    def __init__(self, cfg: NowcastConfig):
        super().__init__()
        self.cfg = cfg
        self.feat_hw = cfg.grid_size // (2 ** cfg.n_down)
        self.feat_dim = cfg.enc_channels * self.feat_hw * self.feat_hw
        self.encoder = FrameEncoder(cfg)
        self.gru = nn.GRU(self.feat_dim, cfg.gru_hidden, batch_first=True)
        self.to_latent = nn.Linear(cfg.gru_hidden, self.feat_dim)
        self.out_conv = nn.Conv2d(cfg.enc_channels, 1, 1)

    def forward(self, frames):
        b, t, c, h, w = frames.shape
        z = self.encoder(frames.reshape(b * t, c, h, w))
        z = z.reshape(b, t, self.feat_dim)
        _, h_last = self.gru(z)
        lat = self.to_latent(h_last[-1]).reshape(b, self.cfg.enc_channels, self.feat_hw, self.feat_hw)
        coarse = self.out_conv(lat)
        return torch.sigmoid(F.interpolate(coarse, size=(h, w), mode="bilinear", align_corners=False))


def csi(pred, target, thresh):
    p, o = pred >= thresh, target >= thresh
    hits = (p & o).sum().item()
    misses = (~p & o).sum().item()
    false_alarms = (p & ~o).sum().item()
    return hits / max(hits + misses + false_alarms, 1)


def main():
    cfg = NowcastConfig()
    torch.manual_seed(cfg.seed)
    data = torch.from_numpy(scale_dbz(synth_reflectivity(cfg), cfg))
    past, future = data[:, : cfg.n_past], data[:, cfg.n_past]

    model = RadarNowcaster(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        perm = torch.randperm(past.shape[0])
        for i in range(0, past.shape[0], cfg.batch_size):
            idx = perm[i : i + cfg.batch_size]
            pred = model(past[idx])
            loss = F.mse_loss(pred, future[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} mse {loss.item():.4f}")

    with torch.no_grad():
        pred = model(past)
    thr = scale_dbz(35.0, cfg)
    print(f"CSI@35dBZ: {csi(pred, future, thr):.3f}")


if __name__ == "__main__":
    main()
