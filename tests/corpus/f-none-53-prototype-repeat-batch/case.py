from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ProtoConfig:
    n_features: int = 24
    embed_dim: int = 16
    n_species: int = 6
    batch_size: int = 12
    steps: int = 30
    lr: float = 1e-2
    temperature: float = 0.5


def make_sensor_readings(cfg, n_samples, generator):
    centers = torch.randn(cfg.n_species, cfg.n_features, generator=generator) * 2.0
    labels = torch.randint(0, cfg.n_species, (n_samples,), generator=generator)
    noise = torch.randn(n_samples, cfg.n_features, generator=generator)
    return centers[labels] + noise, labels


class BirdCallProtoNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.Sequential(
            nn.Linear(cfg.n_features, 32),
            nn.ReLU(),
            nn.Linear(32, cfg.embed_dim),
        )
        self.prototypes = nn.Parameter(torch.randn(cfg.n_species, cfg.embed_dim) * 0.1)

    def forward(self, readings):
        emb = F.normalize(self.encoder(readings), dim=-1)
        protos = F.normalize(self.prototypes, dim=-1)
        n, k = emb.size(0), protos.size(0)
        query = emb.unsqueeze(1).repeat(n, k, 1)
        dists = (query - protos.unsqueeze(0)).pow(2).sum(-1)
        return -dists / self.cfg.temperature


def train(cfg):
    gen = torch.Generator().manual_seed(3)
    readings, species = make_sensor_readings(cfg, 240, gen)
    model = BirdCallProtoNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for step in range(cfg.steps):
        idx = torch.randint(0, readings.size(0), (cfg.batch_size,), generator=gen)
        x, y = readings[idx], species[idx]
        scores = model(x)
        loss = F.cross_entropy(scores, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            acc = (scores.argmax(dim=1) == y).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.4f} acc {acc:.2f}")

    with torch.no_grad():
        preds = model(readings).argmax(dim=1)
        print("train accuracy:", (preds == species).float().mean().item())


if __name__ == "__main__":
    train(ProtoConfig())
