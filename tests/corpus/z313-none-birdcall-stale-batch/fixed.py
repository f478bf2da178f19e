"""Classify bird species from summary acoustic features of dawn-chorus recordings.

Each clip is reduced to 40 features (mean/std of 20 mel bands). A small MLP is trained,
then evaluated on held-out clips from a different recording site.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SPECIES = ["blackbird", "robin", "wren", "chiffchaff", "song_thrush", "great_tit"]


@dataclass
class RunConfig:
    n_mels: int = 20
    n_train: int = 263
    n_val: int = 96
    hidden: int = 64
    batch_size: int = 32
    epochs: int = 3
    lr: float = 1e-3
    seed: int = 21


def synth_clips(n, n_mels, gen):
    species = torch.randint(0, len(SPECIES), (n,), generator=gen)
    centers = torch.linspace(-1.5, 1.5, len(SPECIES))
    band = torch.linspace(0, 1, n_mels)
    mean_part = torch.sin(6 * band[None, :] * (1 + centers[species][:, None]))
    std_part = 0.3 + 0.1 * centers[species][:, None].expand(-1, n_mels)
    x = torch.cat([mean_part, std_part], dim=1)
    x = x + 0.2 * torch.randn(x.shape, generator=gen)
    return x, species


class ChorusMLP(nn.Module):
    def __init__(self, in_dim, hidden, n_species):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden), nn.GELU(),
        )
        self.out = nn.Linear(hidden, n_species)

    def forward(self, x):
        return self.out(self.body(x))


cfg = RunConfig()
gen = torch.Generator().manual_seed(cfg.seed)
train_x, train_y = synth_clips(cfg.n_train, cfg.n_mels, gen)
val_x, val_y = synth_clips(cfg.n_val, cfg.n_mels, gen)

mu, sigma = train_x.mean(0), train_x.std(0)
train_x = (train_x - mu) / sigma
val_x = (val_x - mu) / sigma

train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=cfg.batch_size, shuffle=True,
                          generator=gen)
val_loader = DataLoader(TensorDataset(val_x, val_y), batch_size=cfg.batch_size)

net = ChorusMLP(2 * cfg.n_mels, cfg.hidden, len(SPECIES))
opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)

for epoch in range(cfg.epochs):
    net.train()
    running = 0.0
    for feats, species in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(net(feats), species)
        loss.backward()
        opt.step()
        running += loss.item() * len(species)
    print(f"epoch {epoch}: train loss {running / cfg.n_train:.4f}")

net.eval()
val_loss, correct = 0.0, 0
with torch.no_grad():
    for v_feats, v_species in val_loader:
        logits = net(v_feats)
        val_loss += F.cross_entropy(logits, v_species, reduction="sum").item()
        correct += (logits.argmax(1) == v_species).sum().item()

print(f"val loss {val_loss / cfg.n_val:.4f}  val acc {correct / cfg.n_val:.3f}")
