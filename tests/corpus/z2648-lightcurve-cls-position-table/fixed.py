"""Variable-star classifier on irregularly sampled, single-band light curves.

Each light curve is a sequence of (time, mag, mag_err) observations. A small
transformer encoder with a learned [CLS] vector predicts the variability class.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


@dataclass
class SurveyConfig:
    n_curves: int = 384
    min_obs: int = 40
    max_obs: int = 120
    baseline_days: float = 180.0
    classes: tuple = ("RRab", "RRc", "EB", "LPV")
    seed: int = 7


@dataclass
class ModelConfig:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 120
    n_classes: int = 4
    dropout: float = 0.1


@dataclass
class TrainConfig:
    batch_size: int = 32
    epochs: int = 2
    lr: float = 3e-4
    grad_clip: float = 1.0
    history: list = field(default_factory=list)


class SyntheticLightCurves(Dataset):
    def __init__(self, cfg: SurveyConfig):
        self.cfg = cfg
        rng = np.random.default_rng(cfg.seed)
        self.items = []
        for _ in range(cfg.n_curves):
            label = int(rng.integers(len(cfg.classes)))
            n = int(rng.integers(cfg.min_obs, cfg.max_obs + 1))
            t = np.sort(rng.uniform(0, cfg.baseline_days, n))
            period = {0: 0.55, 1: 0.32, 2: 1.7, 3: 90.0}[label] * rng.uniform(0.8, 1.2)
            phase = (t / period) % 1.0
            amp = {0: 0.8, 1: 0.4, 2: 0.6, 3: 2.0}[label]
            if label == 2:
                mag = 15.0 + amp * (np.abs(phase - 0.5) < 0.05)
            else:
                mag = 15.0 + amp * np.sin(2 * math.pi * phase)
            err = rng.uniform(0.01, 0.05, n)
            mag = mag + rng.normal(0, err)
            self.items.append((t.astype(np.float32), mag.astype(np.float32), err.astype(np.float32), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        t, mag, err, label = self.items[i]
        dt = np.diff(t, prepend=t[0])
        mag = (mag - np.median(mag)) / (np.std(mag) + 1e-6)
        feats = np.stack([np.log1p(dt), mag, err * 10], axis=-1)
        return {"x": torch.from_numpy(feats), "label": label}


def pad_collate(batch):
    lengths = [b["x"].shape[0] for b in batch]
    longest = max(lengths)
    x = torch.zeros(len(batch), longest, 3)
    pad = torch.ones(len(batch), longest, dtype=torch.bool)
    for i, b in enumerate(batch):
        x[i, : lengths[i]] = b["x"]
        pad[i, : lengths[i]] = False
    return {"x": x, "pad": pad, "label": torch.tensor([b["label"] for b in batch])}


class LightCurveTransformer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.obs_proj = nn.Linear(3, cfg.d_model)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        self.pos_table = nn.Embedding(cfg.max_len + 1, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model, cfg.n_heads, dim_feedforward=4 * cfg.d_model,
            dropout=cfg.dropout, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(cfg.d_model), nn.Linear(cfg.d_model, cfg.n_classes))

    def _with_cls(self, h, pad):
        cls = self.cls.expand(h.size(0), -1, -1)
        h = torch.cat([cls, h], dim=1)
        pad = torch.cat([torch.zeros_like(pad[:, :1]), pad], dim=1)
        return h, pad

    def _add_positions(self, h):
        positions = torch.arange(h.size(1), device=h.device)
        return h + self.pos_table(positions)[None]

    def forward(self, x, pad):
        h = self.obs_proj(x)
        h, pad = self._with_cls(h, pad)
        h = self._add_positions(h)
        h = self.encoder(h, src_key_padding_mask=pad)
        return self.head(h[:, 0])


class Trainer:
    def __init__(self, model, train_cfg: TrainConfig):
        self.model = model
        self.cfg = train_cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=train_cfg.lr)

    def train_epoch(self, loader):
        self.model.train()
        total, correct, seen = 0.0, 0, 0
        for batch in loader:
            logits = self.model(batch["x"], batch["pad"])
            loss = F.cross_entropy(logits, batch["label"])
            self.opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
            self.opt.step()
            total += loss.item() * len(batch["label"])
            correct += (logits.argmax(-1) == batch["label"]).sum().item()
            seen += len(batch["label"])
        return total / seen, correct / seen

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            loss, acc = self.train_epoch(loader)
            self.cfg.history.append((loss, acc))
            print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


def main():
    torch.manual_seed(0)
    survey = SurveyConfig()
    dataset = SyntheticLightCurves(survey)
    loader = DataLoader(dataset, batch_size=32, shuffle=True, collate_fn=pad_collate)
    model_cfg = ModelConfig(max_len=survey.max_obs, n_classes=len(survey.classes))
    model = LightCurveTransformer(model_cfg)
    trainer = Trainer(model, TrainConfig())
    trainer.fit(loader)


if __name__ == "__main__":
    main()
