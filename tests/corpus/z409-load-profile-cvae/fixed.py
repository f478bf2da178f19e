"""Conditional VAE for daily household electricity load profiles.

Each sample is one day of 15-minute meter readings (96 values). The model is
conditioned on the day of the week so we can sample plausible Sunday vs. Monday
profiles for a grid-planning what-if tool.
"""
from dataclasses import dataclass

import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class CVAEConfig:
    n_readings: int = 96
    n_weekdays: int = 7
    hidden: int = 64
    latent_dim: int = 16
    beta: float = 0.5
    lr: float = 2e-3
    epochs: int = 1
    batch_size: int = 32


def synth_load_profiles(n_days, n_readings, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.linspace(0, 2 * math.pi, n_readings)
    weekday = torch.randint(0, 7, (n_days,), generator=g)
    weekend = (weekday >= 5).float().unsqueeze(1)
    morning = torch.exp(-((t - 1.9) ** 2) / 0.15)
    evening = torch.exp(-((t - 4.9) ** 2) / 0.3)
    base = 0.3 + 0.6 * morning * (1 - 0.5 * weekend) + 1.0 * evening + 0.4 * weekend * torch.exp(-((t - 3.2) ** 2) / 0.8)
    noise = 0.05 * torch.randn(n_days, n_readings, generator=g)
    return base + noise, weekday


class LoadCVAE(nn.Module):
    def __init__(self, cfg: CVAEConfig):
        super().__init__()
        self.cfg = cfg
        enc_in = cfg.n_readings + cfg.n_weekdays
        self.encoder = nn.Sequential(
            nn.Linear(enc_in, cfg.hidden), nn.GELU(),
            nn.Linear(cfg.hidden, cfg.hidden), nn.GELU(),
        )
        self.to_mu = nn.Linear(cfg.hidden, cfg.latent_dim)
        self.to_logvar = nn.Linear(cfg.hidden, cfg.latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(cfg.latent_dim + cfg.n_weekdays, cfg.hidden), nn.GELU(),
            nn.Linear(cfg.hidden, cfg.hidden), nn.GELU(),
            nn.Linear(cfg.hidden, cfg.n_readings),
        )

    def condition(self, weekday):
        return F.one_hot(weekday, self.cfg.n_weekdays).float()

    def encode(self, x, c):
        h = self.encoder(torch.cat([x, c], dim=1))
        return self.to_mu(h), self.to_logvar(h)

    def decode(self, z, c):
        return self.decoder(torch.cat([z, c], dim=1))

    def forward(self, x, weekday):
        c = self.condition(weekday)
        mu, logvar = self.encode(x, c)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z, c), mu, logvar


def elbo_loss(recon, x, mu, logvar, beta):
    rec = F.mse_loss(recon, x, reduction="sum") / x.size(0)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.size(0)
    return rec + beta * kl, rec, kl


def train(cfg: CVAEConfig):
    torch.manual_seed(0)
    profiles, weekdays = synth_load_profiles(320, cfg.n_readings)
    loader = DataLoader(TensorDataset(profiles, weekdays), batch_size=cfg.batch_size, shuffle=True)
    model = LoadCVAE(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        total = 0.0
        for x, wd in loader:
            recon, mu, logvar = model(x, wd)
            loss, rec, kl = elbo_loss(recon, x, mu, logvar, cfg.beta)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x.size(0)
        print(f"epoch {epoch}: loss {total / len(profiles):.3f}")
    return model


@torch.no_grad()
def sample_days(model, weekday, n=5):
    model.eval()
    z = torch.randn(n, model.cfg.latent_dim)
    c = model.condition(torch.full((n,), weekday, dtype=torch.long))
    return model.decode(z, c)


if __name__ == "__main__":
    cfg = CVAEConfig()
    model = train(cfg)
    sundays = sample_days(model, weekday=6)
    mondays = sample_days(model, weekday=0)
    print("mean evening peak sunday:", sundays[:, 70:85].mean().item())
    print("mean evening peak monday:", mondays[:, 70:85].mean().item())
