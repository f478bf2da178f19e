from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class DetectorConfig:
    metrics: list = field(default_factory=lambda: [
        "cpu_util", "mem_used_pct", "load_1m", "disk_read_mbps",
        "disk_write_mbps", "net_rx_mbps", "net_tx_mbps", "http_5xx_rate",
    ])
    window: int = 60
    stride: int = 15
    hidden_size: int = 64
    latent_size: int = 16
    bidirectional: bool = True
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 2
    threshold_quantile: float = 0.99
    seed: int = 0


def synth_node_metrics(cfg, n_steps=2880):
    rng = np.random.default_rng(cfg.seed)
    t = np.arange(n_steps)
    daily = np.sin(2 * np.pi * t / 1440)
    cols = []
    for i, _ in enumerate(cfg.metrics):
        base = 0.5 + 0.3 * daily * (1 + 0.1 * i) + 0.05 * rng.standard_normal(n_steps)
        cols.append(base)
    X = np.stack(cols, axis=1).astype(np.float32)
    incidents = [(1700, 1760), (2500, 2530)]
    for a, b in incidents:
        X[a:b, 0] += 0.8
        X[a:b, 2] += 1.2
        X[a:b, -1] += 2.0
    return X, incidents


def zscore(train, other):
    mu, sd = train.mean(0, keepdims=True), train.std(0, keepdims=True) + 1e-6
    return (train - mu) / sd, (other - mu) / sd


def make_windows(X, window, stride):
    idx = range(0, len(X) - window + 1, stride)
    return np.stack([X[i:i + window] for i in idx]), list(idx)


class MetricsEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.rnn = nn.GRU(len(cfg.metrics), cfg.hidden_size, batch_first=True,
                          bidirectional=cfg.bidirectional)
        n_dir = 2 if cfg.bidirectional else 1
        self.to_latent = nn.Linear(cfg.hidden_size * n_dir, cfg.latent_size)

    def forward(self, x):
        out, _ = self.rnn(x)
        return torch.tanh(self.to_latent(out[:, -1]))


class MetricsDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.window = cfg.window
        self.rnn = nn.GRU(cfg.latent_size, cfg.hidden_size, batch_first=True)
        self.proj = nn.Linear(cfg.hidden_size, len(cfg.metrics))

    def forward(self, z):
        rep = z.unsqueeze(1).expand(-1, self.window, -1)
        out, _ = self.rnn(rep)
        return self.proj(out)


class RecurrentAutoencoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = MetricsEncoder(cfg)
        self.decoder = MetricsDecoder(cfg)

    def forward(self, x):
        return self.decoder(self.encoder(x))

    @torch.no_grad()
    def score(self, x):
        recon = self(x)
        return ((recon - x) ** 2).mean(dim=(1, 2))


class AnomalyTrainer:
    def __init__(self, cfg):
        self.cfg = cfg
        torch.manual_seed(cfg.seed)
        self.model = RecurrentAutoencoder(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.loss_fn = nn.MSELoss()
        self.threshold = None

    def fit(self, windows):
        ds = TensorDataset(torch.from_numpy(windows))
        dl = DataLoader(ds, batch_size=self.cfg.batch_size, shuffle=True)
        for epoch in range(self.cfg.epochs):
            self.model.train()
            total = 0.0
            for (xb,) in dl:
                self.opt.zero_grad()
                loss = self.loss_fn(self.model(xb), xb)
                loss.backward()
                self.opt.step()
                total += loss.item() * len(xb)
            print(f"epoch {epoch} recon_mse={total / len(ds):.4f}")
        self.model.eval()
        scores = self.model.score(torch.from_numpy(windows)).numpy()
        self.threshold = float(np.quantile(scores, self.cfg.threshold_quantile))
        return self

    def detect(self, windows):
        scores = self.model.score(torch.from_numpy(windows)).numpy()
        return scores, scores > self.threshold


def main():
    cfg = DetectorConfig()
    X, incidents = synth_node_metrics(cfg)
    split = 1440
    train_raw, test_raw = X[:split], X[split:]
    train, test = zscore(train_raw, test_raw)

    train_w, _ = make_windows(train, cfg.window, cfg.stride)
    test_w, starts = make_windows(test, cfg.window, cfg.stride)
    print(f"train windows {train_w.shape}, test windows {test_w.shape}")

    trainer = AnomalyTrainer(cfg).fit(train_w)
    scores, flags = trainer.detect(test_w)
    flagged = [split + starts[i] for i in np.flatnonzero(flags)]
    print(f"threshold={trainer.threshold:.4f}, flagged {len(flagged)} windows")
    print("first flagged window starts:", flagged[:10], "incidents:", incidents)


if __name__ == "__main__":
    main()
