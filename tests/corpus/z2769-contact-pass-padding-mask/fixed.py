import abc
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import IterableDataset, DataLoader

ENCODERS = {}


def register_encoder(key):
    def wrap(cls):
        ENCODERS[key] = cls
        return cls
    return wrap


@dataclass
class PassWindowConfig:
    channels: list = field(default_factory=lambda: ["vbus", "ibat", "tobc", "rw1", "rw2", "snr"])
    window: int = 64
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    encoder: str = "transformer"
    batch_size: int = 8

    @classmethod
    def from_dict(cls, raw):
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def n_channels(self):
        return len(self.channels)


class PassEncoder(nn.Module, abc.ABC):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg

    @abc.abstractmethod
    def encode(self, x, pad_mask):
        ...

    def forward(self, x, pad_mask):
        return self.encode(x, pad_mask)


@register_encoder("transformer")
class TransformerPassEncoder(PassEncoder):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.proj = nn.Linear(cfg.n_channels, cfg.d_model)
        pos = torch.arange(cfg.window).unsqueeze(1)
        div = torch.exp(torch.arange(0, cfg.d_model, 2) * (-math.log(10000.0) / cfg.d_model))
        pe = torch.zeros(cfg.window, cfg.d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=2 * cfg.d_model,
                                           dropout=0.1, batch_first=True)
        self.body = nn.TransformerEncoder(layer, cfg.n_layers)
        self.recon = nn.Linear(cfg.d_model, cfg.n_channels)

    def encode(self, x, pad_mask):
        h = self.proj(x) + self.pe[: x.size(1)]
        h = self.body(h, src_key_padding_mask=pad_mask)
        return self.recon(h)


def contact_passes(cfg, n_passes, seed=0):
    rng = np.random.default_rng(seed)
    t_orbit = 0.0
    for _ in range(n_passes):
        length = int(rng.integers(20, cfg.window - 4))
        t = t_orbit + np.arange(length) * 0.1
        base = np.stack([np.sin(t + k) for k in range(cfg.n_channels)], axis=1)
        noisy = base + rng.normal(0, 0.05, size=base.shape)
        if rng.random() < 0.2:
            j = rng.integers(0, length)
            noisy[j:, 1] += 1.5
        t_orbit += 95.0
        yield torch.tensor(noisy[: cfg.window], dtype=torch.float32)


class PassStream(IterableDataset):
    def __init__(self, cfg, n_passes, seed):
        self.cfg, self.n_passes, self.seed = cfg, n_passes, seed

    def __iter__(self):
        return contact_passes(self.cfg, self.n_passes, self.seed)


def make_collate(cfg):
    def collate(passes):
        lengths = torch.tensor([p.size(0) for p in passes])
        x = pad_sequence(passes, batch_first=True)
        pad_mask = torch.arange(x.size(1))[None, :] >= lengths[:, None]
        return {"x": x, "pad_mask": pad_mask, "lengths": lengths}
    return collate


def masked_mse(pred, target, pad_mask):
    keep = (~pad_mask).unsqueeze(-1).float()
    return ((pred - target) ** 2 * keep).sum() / keep.sum().clamp(min=1.0) / pred.size(-1)


def train(cfg, epochs=2):
    torch.manual_seed(11)
    model = ENCODERS[cfg.encoder](cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        model.train()
        loader = DataLoader(PassStream(cfg, 48, seed=epoch), batch_size=cfg.batch_size,
                            collate_fn=make_collate(cfg))
        losses = []
        for batch in loader:
            pred = model(batch["x"], batch["pad_mask"])
            loss = masked_mse(pred, batch["x"], batch["pad_mask"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: recon mse {np.mean(losses):.4f}")
    return model


if __name__ == "__main__":
    raw_cfg = {"window": 64, "d_model": 32, "n_heads": 4, "n_layers": 2,
               "encoder": "transformer", "batch_size": 8, "ground_station": "svalbard"}
    cfg = PassWindowConfig.from_dict(raw_cfg)
    train(cfg)
