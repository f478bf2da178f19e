"""Per-ping fish-school detection on split-beam echosounder transects.

Each transect is a Sv echogram (pings x depth bins, dB re 1 m^-1).  We cut
fixed-duration windows out of the transect and tag every ping as
background / fish school / seabed-plankton layer.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class EchoConfig:
    n_depth_bins: int = 64
    ping_rate_hz: float = 2.0
    window_seconds: int = 150
    hop_seconds: int = 60
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    dropout: float = 0.1
    max_pings: int = 256
    class_names: list = field(default_factory=lambda: ["background", "school", "layer"])
    lr: float = 3e-4
    batch_size: int = 4
    epochs: int = 2
    seed: int = 7

    @property
    def window_pings(self) -> int:
        return int(round(self.window_seconds * self.ping_rate_hz))

    @property
    def hop_pings(self) -> int:
        return int(round(self.hop_seconds * self.ping_rate_hz))


def simulate_transect(n_pings, n_depth, rng):
    """Crude Sv simulator: noise floor, seabed echo, a few fish schools."""
    sv = rng.normal(-85.0, 3.0, size=(n_pings, n_depth)).astype(np.float32)
    labels = np.zeros(n_pings, dtype=np.int64)
    seabed = (n_depth - 8 + 3 * np.sin(np.linspace(0, 6 * math.pi, n_pings))).astype(int)
    for p in range(n_pings):
        sv[p, seabed[p]:] = rng.normal(-30.0, 2.0, size=n_depth - seabed[p])
    for _ in range(rng.integers(3, 7)):
        start = rng.integers(0, n_pings - 40)
        length = rng.integers(10, 40)
        top = rng.integers(5, n_depth // 2)
        sv[start:start + length, top:top + 6] += rng.normal(30.0, 4.0, size=(length, 6))
        labels[start:start + length] = 1
    if rng.random() < 0.5:
        start = rng.integers(0, n_pings - 60)
        sv[start:start + 60, 20:24] += 12.0
        labels[start:start + 60] = np.where(labels[start:start + 60] == 0, 2, labels[start:start + 60])
    return sv, labels


class EchogramWindows(Dataset):
    def __init__(self, transects, cfg: EchoConfig):
        self.items = []
        win, hop = cfg.window_pings, cfg.hop_pings
        for sv, lab in transects:
            for s in range(0, sv.shape[0] - win + 1, hop):
                self.items.append((sv[s:s + win], lab[s:s + win]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        sv, lab = self.items[idx]
        sv = (sv + 60.0) / 30.0
        return torch.from_numpy(sv.copy()), torch.from_numpy(lab.copy())


class PingTagger(nn.Module):
    def __init__(self, cfg: EchoConfig):
        super().__init__()
        self.depth_proj = nn.Linear(cfg.n_depth_bins, cfg.d_model)
        self.ping_pos = nn.Embedding(cfg.max_pings, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            d_model=cfg.d_model, nhead=cfg.n_heads, dim_feedforward=4 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, len(cfg.class_names))

    def forward(self, sv):
        b, t, _ = sv.shape
        pos = torch.arange(t, device=sv.device).unsqueeze(0).expand(b, t)
        h = self.depth_proj(sv) + self.ping_pos(pos)
        h = self.encoder(h)
        return self.head(h)


def run_epoch(model, loader, opt, loss_fn):
    model.train()
    total, n = 0.0, 0
    for sv, lab in loader:
        logits = model(sv)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), lab.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * sv.size(0)
        n += sv.size(0)
    return total / max(n, 1)


def main():
    cfg = EchoConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    transects = [simulate_transect(int(rng.integers(600, 900)), cfg.n_depth_bins, rng) for _ in range(4)]
    ds = EchogramWindows(transects, cfg)
    print(f"{len(ds)} windows of {cfg.window_pings} pings ({cfg.window_seconds}s @ {cfg.ping_rate_hz} Hz)")
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True)

    model = PingTagger(cfg)
    counts = np.bincount(np.concatenate([l for _, l in transects]), minlength=len(cfg.class_names))
    weights = torch.tensor(counts.sum() / (len(counts) * np.maximum(counts, 1)), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        loss = run_epoch(model, loader, opt, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f}")


if __name__ == "__main__":
    main()
