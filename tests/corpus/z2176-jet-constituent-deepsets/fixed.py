"""Deep Sets jet tagger (top vs. QCD) on particle-flow constituents.

Per-constituent features are embedded by a shared MLP (phi), summed over the
jet, concatenated with a few jet-level observables and classified by rho.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader


@dataclass
class TaggerConfig:
    max_constituents: int = 40
    constituent_features: list = field(
        default_factory=lambda: ["log_pt", "log_e", "deta", "dphi", "log_pt_rel", "dR"]
    )
    jet_features: list = field(default_factory=lambda: ["jet_mass", "jet_pt"])
    phi_hidden: int = 64
    latent_dim: int = 64
    rho_hidden: int = 32
    n_classes: int = 2
    batch_size: int = 64
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 7


def make_toy_jets(n_jets, cfg, rng):
    """Fake top/QCD jets: tops get more, wider constituents and a ~175 GeV mass."""
    label = rng.integers(0, 2, size=n_jets)
    n_const = np.where(label == 1,
                       rng.integers(20, cfg.max_constituents + 1, n_jets),
                       rng.integers(5, 25, n_jets))
    jets = []
    for i in range(n_jets):
        n = n_const[i]
        spread = 0.4 if label[i] == 1 else 0.15
        pt = rng.exponential(20.0, n) + 1.0
        eta = rng.normal(0.0, spread, n)
        phi = rng.normal(0.0, spread, n)
        e = pt * np.cosh(eta)
        jets.append(dict(pt=pt, eta=eta, phi=phi, e=e))
    jet_mass = np.where(label == 1, rng.normal(175, 15, n_jets), rng.normal(60, 30, n_jets).clip(5))
    jet_pt = rng.uniform(550, 650, n_jets)
    return jets, jet_mass, jet_pt, label


def constituent_inputs(jet, cfg):
    pt, eta, phi, e = jet["pt"], jet["eta"], jet["phi"], jet["e"]
    jet_eta = np.average(eta, weights=pt)
    jet_phi = np.average(phi, weights=pt)
    deta = eta - jet_eta
    dphi = (phi - jet_phi + math.pi) % (2 * math.pi) - math.pi
    feats = np.stack([
        np.log(pt), np.log(e), deta, dphi,
        np.log(pt / pt.sum()), np.sqrt(deta ** 2 + dphi ** 2),
    ], axis=1)
    order = np.argsort(-pt)[: cfg.max_constituents]
    feats = feats[order]
    padded = np.zeros((cfg.max_constituents, feats.shape[1]), dtype=np.float32)
    mask = np.zeros(cfg.max_constituents, dtype=np.float32)
    padded[: len(feats)] = feats
    mask[: len(feats)] = 1.0
    return padded, mask


class JetDataset(Dataset):
    def __init__(self, jets, jet_mass, jet_pt, labels, cfg):
        pairs = [constituent_inputs(j, cfg) for j in jets]
        self.x = torch.tensor(np.stack([p[0] for p in pairs]))
        self.mask = torch.tensor(np.stack([p[1] for p in pairs]))
        jet_level = np.stack([jet_mass / 100.0, np.log(jet_pt)], axis=1)
        self.jet = torch.tensor(jet_level, dtype=torch.float32)
        self.y = torch.tensor(labels, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.x[idx], self.mask[idx], self.jet[idx], self.y[idx]


class DeepSetsTagger(nn.Module):
    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        n_in = len(cfg.constituent_features)
        self.phi = nn.Sequential(
            nn.Linear(n_in, cfg.phi_hidden), nn.ReLU(),
            nn.Linear(cfg.phi_hidden, cfg.latent_dim), nn.ReLU(),
        )
        self.rho = nn.Sequential(
            nn.Linear(cfg.latent_dim + len(cfg.jet_features), cfg.rho_hidden), nn.ReLU(),
            nn.Linear(cfg.rho_hidden, cfg.n_classes),
        )

    def forward(self, x, mask, jet_feats):
        h = self.phi(x) * mask.unsqueeze(-1)
        pooled = h.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        z = torch.cat([pooled, jet_feats], dim=1)
        return self.rho(z)


def run_epoch(model, loader, opt, loss_fn, train=True):
    model.train(train)
    total, correct, loss_sum = 0, 0, 0.0
    for x, mask, jet_feats, y in loader:
        with torch.set_grad_enabled(train):
            logits = model(x, mask, jet_feats)
            loss = loss_fn(logits, y)
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        loss_sum += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        total += len(y)
    return loss_sum / total, correct / total


def main():
    cfg = TaggerConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    train_ds = JetDataset(*make_toy_jets(2000, cfg, rng), cfg)
    val_ds = JetDataset(*make_toy_jets(500, cfg, rng), cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = DeepSetsTagger(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()
    print(f"params: {sum(p.numel() for p in model.parameters())}")

    for epoch in range(cfg.epochs):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt, loss_fn, train=True)
        va_loss, va_acc = run_epoch(model, val_dl, opt, loss_fn, train=False)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.3f}  val {va_loss:.3f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
