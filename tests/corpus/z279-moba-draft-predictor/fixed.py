import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class DraftConfig:
    def __init__(self):
        self.num_heroes = 40
        self.num_maps = 4
        self.team_size = 5
        self.hero_dim = 16
        self.map_dim = 8
        self.hidden = 64
        self.dropout = 0.2
        self.batch_size = 8
        self.lr = 2e-3
        self.epochs = 2
        self.seed = 21


cfg = DraftConfig()
random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

hero_strength = torch.randn(cfg.num_heroes)


def simulate_matches(n):
    blue, red, maps, winner = [], [], [], []
    for _ in range(n):
        picks = random.sample(range(cfg.num_heroes), 2 * cfg.team_size)
        b, r = picks[:cfg.team_size], picks[cfg.team_size:]
        m = random.randrange(cfg.num_maps)
        edge = hero_strength[b].sum() - hero_strength[r].sum() + 0.3 * (m - 1.5)
        blue.append(b)
        red.append(r)
        maps.append(m)
        winner.append(float(edge + 0.5 * random.gauss(0, 1) > 0))
    return TensorDataset(torch.tensor(blue), torch.tensor(red), torch.tensor(maps), torch.tensor(winner))


class DraftNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.heroes = nn.Embedding(cfg.num_heroes, cfg.hero_dim)
        self.maps = nn.Embedding(cfg.num_maps, cfg.map_dim)
        self.head = nn.Sequential(
            nn.Linear(3 * cfg.hero_dim + cfg.map_dim, cfg.hidden),
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, 1),
        )

    def team_vector(self, picks):
        return self.heroes(picks).mean(dim=1)

    def forward(self, blue, red, map_id):
        b, r = self.team_vector(blue), self.team_vector(red)
        feats = torch.cat([b, r, b - r, self.maps(map_id)], dim=-1)
        return self.head(feats).squeeze(-1)


train_ds, val_ds = simulate_matches(100), simulate_matches(100)
train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=64)

net = DraftNet(cfg)
opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
bce = nn.BCEWithLogitsLoss()

for epoch in range(cfg.epochs):
    net.train()
    total = 0.0
    for blue, red, map_id, won in train_dl:
        loss = bce(net(blue, red, map_id), won)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(won)
    net.eval()
    correct = 0
    with torch.no_grad():
        for blue, red, map_id, won in val_dl:
            correct += ((net(blue, red, map_id) > 0).float() == won).sum().item()
    print(f"epoch {epoch}: train loss {total / len(train_ds):.3f}  val acc {correct / len(val_ds):.3f}")
