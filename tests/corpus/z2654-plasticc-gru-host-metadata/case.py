"""Transient classification from multi-band photometry plus host-galaxy metadata.

PLAsTiCC-style: each object has irregularly sampled ugrizy fluxes, which are
binned onto a regular time grid per passband and encoded with a GRU. The GRU
summary is concatenated with host metadata before the classification MLP.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

PASSBANDS = "ugrizy"
CLASSES = ["SNIa", "SNII", "SNIbc", "SLSN", "TDE"]
META_COLUMNS = ["hostgal_photoz", "hostgal_photoz_err", "mwebv", "distmod"]


@dataclass
class GridConfig:
    t_span: float = 150.0
    n_bins: int = 50
    n_objects: int = 96
    seed: int = 3


@dataclass
class NetConfig:
    n_bands: int = len(PASSBANDS)
    gru_hidden: int = 32
    n_meta: int = 3
    mlp_hidden: int = 64
    n_classes: int = len(CLASSES)


@dataclass
class FitConfig:
    batch_size: int = 16
    lr: float = 2e-3
    epochs: int = 3


class TransientSimulator:
    rise = {"SNIa": 15, "SNII": 8, "SNIbc": 12, "SLSN": 40, "TDE": 25}
    fall = {"SNIa": 30, "SNII": 90, "SNIbc": 25, "SLSN": 80, "TDE": 60}

    def __init__(self, cfg: GridConfig):
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)

    def light_curve(self, cls):
        n_obs = self.rng.integers(40, 120)
        mjd = np.sort(self.rng.uniform(0, self.cfg.t_span, n_obs))
        band = self.rng.integers(0, len(PASSBANDS), n_obs)
        t0 = self.rng.uniform(20, 80)
        dt = mjd - t0
        shape = np.where(dt < 0, np.exp(dt / self.rise[cls]), np.exp(-dt / self.fall[cls]))
        color = 1.0 + 0.15 * (band - 2.5) * (1 if cls in ("SNII", "TDE") else -1)
        flux = 100 * shape * color + self.rng.normal(0, 5, n_obs)
        return mjd, band, flux

    def metadata(self):
        z = self.rng.uniform(0.05, 1.0)
        return {
            "hostgal_photoz": z,
            "hostgal_photoz_err": 0.05 * (1 + z) * self.rng.uniform(0.5, 1.5),
            "mwebv": self.rng.exponential(0.05),
            "distmod": 5 * np.log10(4283 * z * (1 + z / 2)) + 25,
        }

    def objects(self):
        for oid in range(self.cfg.n_objects):
            label = int(self.rng.integers(len(CLASSES)))
            yield {"object_id": oid, "label": label, "lc": self.light_curve(CLASSES[label]), "meta": self.metadata()}


def grid_light_curve(lc, cfg: GridConfig):
    mjd, band, flux = lc
    edges = np.linspace(0, cfg.t_span, cfg.n_bins + 1)
    idx = np.clip(np.digitize(mjd, edges) - 1, 0, cfg.n_bins - 1)
    grid = np.zeros((cfg.n_bins, len(PASSBANDS)), dtype=np.float32)
    counts = np.zeros_like(grid)
    np.add.at(grid, (idx, band), flux)
    np.add.at(counts, (idx, band), 1)
    grid = np.divide(grid, counts, out=np.zeros_like(grid), where=counts > 0)
    return grid / (np.abs(grid).max() + 1e-6)


def batches(records, batch_size, rng=None):
    order = np.arange(len(records)) if rng is None else rng.permutation(len(records))
    for start in range(0, len(order), batch_size):
        chunk = [records[i] for i in order[start:start + batch_size]]
        yield {
            "flux": torch.stack([torch.from_numpy(r["grid"]) for r in chunk]),
            "meta": torch.tensor([[r["meta"][k] for k in META_COLUMNS] for r in chunk], dtype=torch.float32),
            "label": torch.tensor([r["label"] for r in chunk]),
        }


class TransientClassifier(nn.Module):
    def __init__(self, cfg: NetConfig):
        super().__init__()
        self.gru = nn.GRU(cfg.n_bands, cfg.gru_hidden, batch_first=True)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.gru_hidden + cfg.n_meta, cfg.mlp_hidden),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(cfg.mlp_hidden, cfg.n_classes),
        )

    def encode(self, flux):
        _, h_n = self.gru(flux)
        return h_n[-1]

    def forward(self, flux, meta):
        summary = self.encode(flux)
        return self.mlp(torch.cat([summary, meta], dim=-1))


class Trainer:
    def __init__(self, model, cfg: FitConfig, seed=0):
        self.model, self.cfg = model, cfg
        self.optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.criterion = nn.CrossEntropyLoss()
        self.rng = np.random.default_rng(seed)

    def run_epoch(self, records):
        self.model.train()
        losses = []
        for batch in batches(records, self.cfg.batch_size, self.rng):
            logits = self.model(batch["flux"], batch["meta"])
            loss = self.criterion(logits, batch["label"])
            self.optim.zero_grad()
            loss.backward()
            self.optim.step()
            losses.append(loss.item())
        return float(np.mean(losses))

    def fit(self, records):
        for epoch in range(self.cfg.epochs):
            print(f"epoch {epoch}: loss {self.run_epoch(records):.4f}")


def main():
    torch.manual_seed(0)
    grid_cfg = GridConfig()
    sim = TransientSimulator(grid_cfg)
    records = []
    for obj in sim.objects():
        obj["grid"] = grid_light_curve(obj.pop("lc"), grid_cfg)
        records.append(obj)
    model = TransientClassifier(NetConfig())
    Trainer(model, FitConfig()).fit(records)


if __name__ == "__main__":
    main()
