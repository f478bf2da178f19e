"""Behler-Parrinello style neural network potential for small Cu clusters.

Reference energies/forces come from a Morse potential evaluated on randomly
perturbed fcc fragments; the network is trained on energies + forces.
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader


@dataclass
class PotentialConfig:
    n_atoms: int = 8
    n_structures: int = 256
    cutoff: float = 6.0
    n_radial: int = 16
    eta: float = 1.2
    hidden: tuple = (32, 32)
    energy_weight: float = 1.0
    force_weight: float = 10.0
    lr: float = 3e-3
    batch_size: int = 32
    epochs: int = 4
    seed: int = 3


MORSE = dict(D=0.3429, a=1.3588, r0=2.866)   # Cu, eV and Angstrom


def morse_energy(pos):
    diff = pos[:, :, None, :] - pos[:, None, :, :]
    n = pos.shape[1]
    iu = torch.triu_indices(n, n, offset=1)
    r = diff.norm(dim=-1)[:, iu[0], iu[1]]
    e = MORSE["D"] * ((1 - torch.exp(-MORSE["a"] * (r - MORSE["r0"]))) ** 2 - 1)
    return e.sum(dim=1)


def generate_reference(cfg):
    rng = np.random.default_rng(cfg.seed)
    base = np.array([[0, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1],
                     [2, 0, 0], [0, 2, 0], [2, 1, 1], [1, 2, 1]], dtype=float)[: cfg.n_atoms] * 1.805
    pos = base[None] + rng.normal(0, 0.12, size=(cfg.n_structures, cfg.n_atoms, 3))
    pos = torch.tensor(pos, dtype=torch.float32, requires_grad=True)
    energy = morse_energy(pos)
    forces = -torch.autograd.grad(energy.sum(), pos)[0]
    return pos.detach(), energy.detach(), forces.detach()


class RadialDescriptor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cutoff = cfg.cutoff
        self.eta = cfg.eta
        self.register_buffer("centers", torch.linspace(1.5, cfg.cutoff, cfg.n_radial))

    def forward(self, pos):
        diff = pos[:, :, None, :] - pos[:, None, :, :]
        n = pos.shape[1]
        eye = torch.eye(n, dtype=torch.bool, device=pos.device)
        r = torch.sqrt((diff ** 2).sum(-1) + eye.float())     # avoid sqrt(0) on the diagonal
        fc = 0.5 * (torch.cos(torch.pi * r / self.cutoff) + 1) * (r < self.cutoff)
        fc = fc.masked_fill(eye, 0.0)
        g = torch.exp(-self.eta * (r[..., None] - self.centers) ** 2) * fc[..., None]
        return g.sum(dim=2)                                      # (B, n_atoms, n_radial)


class AtomicNN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.descriptor = RadialDescriptor(cfg)
        layers, d_in = [], cfg.n_radial
        for h in cfg.hidden:
            layers += [nn.Linear(d_in, h), nn.SiLU()]
            d_in = h
        layers.append(nn.Linear(d_in, 1))
        self.atomic_net = nn.Sequential(*layers)

    def forward(self, pos):
        g = self.descriptor(pos)
        return self.atomic_net(g).squeeze(-1).sum(dim=1)


class PotentialTrainer:
    def __init__(self, model, cfg, e_shift):
        self.model = model
        self.cfg = cfg
        self.e_shift = e_shift
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.mse = nn.MSELoss()

    def energy_and_forces(self, pos):
        pos = pos.clone().requires_grad_(True)
        energy = self.model(pos) + self.e_shift
        forces = -torch.autograd.grad(energy.sum(), pos)[0]
        return energy, forces

    def step(self, pos, e_ref, f_ref):
        self.model.train()
        energy, forces = self.energy_and_forces(pos)
        n = self.cfg.n_atoms
        loss_e = self.mse(energy / n, e_ref / n)
        loss_f = self.mse(forces, f_ref)
        loss = self.cfg.energy_weight * loss_e + self.cfg.force_weight * loss_f
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss_e.item(), loss_f.item()

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            le, lf, nb = 0.0, 0.0, 0
            for pos, e_ref, f_ref in loader:
                a, b = self.step(pos, e_ref, f_ref)
                le, lf, nb = le + a, lf + b, nb + 1
            print(f"epoch {epoch}: E-MSE/atom {le / nb:.5f}  F-MSE {lf / nb:.5f}")


def main():
    cfg = PotentialConfig()
    torch.manual_seed(cfg.seed)
    pos, energy, forces = generate_reference(cfg)
    print(f"{len(pos)} structures, mean E = {energy.mean():.3f} eV, |F| max = {forces.abs().max():.3f} eV/A")
    loader = DataLoader(TensorDataset(pos, energy, forces), batch_size=cfg.batch_size, shuffle=True)
    model = AtomicNN(cfg)
    trainer = PotentialTrainer(model, cfg, e_shift=energy.mean().item())
    trainer.fit(loader)


if __name__ == "__main__":
    main()
