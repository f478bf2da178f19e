"""Train a species classifier on camera-trap image embeddings, conditioned on the trap site."""
import types

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

SETTINGS = """
counts:
  n_sites: &n_sites 4
  n_species: &n_species 5
model:
  dim: 24
  site_dim: 6
  num_classes: *n_species
train:
  lr: 0.01
  epochs: 3
  batch_size: 8
seed: 17
"""

SPECIES = ["red fox", "roe deer", "badger", "wild boar", "pine marten"]
SITES = ["north ridge", "beech stand", "stream crossing", "clearing"]


def to_namespace(obj):
    if isinstance(obj, dict):
        return types.SimpleNamespace(**{k: to_namespace(v) for k, v in obj.items()})
    return obj


def make_detections(n, dim, n_sites, g):
    species_names = [SPECIES[i % len(SPECIES)] for i in range(n)]
    labels = torch.tensor([SPECIES.index(name) for name in species_names])
    sites = torch.randint(0, n_sites, (n,), generator=g)
    feats = torch.randn(n, dim, generator=g) + 0.5 * labels.unsqueeze(1).float()
    return feats, sites, labels


class SpeciesHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.site_emb = nn.Embedding(cfg.counts.n_sites, cfg.model.site_dim)
        self.proj = nn.Linear(cfg.model.dim + cfg.model.site_dim, cfg.model.dim)
        self.head = nn.Linear(cfg.model.dim, cfg.model.num_classes)

    def forward(self, feats, sites):
        x = torch.cat([feats, self.site_emb(sites)], dim=-1)
        return self.head(torch.relu(self.proj(x)))


def main():
    cfg = to_namespace(yaml.safe_load(SETTINGS))
    torch.manual_seed(cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    feats, sites, labels = make_detections(40, cfg.model.dim, cfg.counts.n_sites, g)
    print(f"{len(labels)} detections across {len(SITES)} sites, species: {', '.join(SPECIES)}")

    model = SpeciesHead(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.train.lr)
    bs = cfg.train.batch_size
    for epoch in range(cfg.train.epochs):
        perm = torch.randperm(len(labels), generator=g)
        total = 0.0
        for start in range(0, len(labels), bs):
            idx = perm[start:start + bs]
            logits = model(feats[idx], sites[idx])
            loss = F.cross_entropy(logits, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: loss {total / len(labels):.4f}")

    with torch.no_grad():
        pred = model(feats, sites).argmax(-1)
    print(f"train accuracy: {(pred == labels).float().mean().item():.3f}")


if __name__ == "__main__":
    main()
