"""Team-composition model with player and hero embeddings.

score(team) = sum of player-on-hero skill terms + sum over hero pairs of a learned
synergy matrix. Win prob = sigmoid(score(radiant) - score(dire)).
"""
from dataclasses import dataclass
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SynergyConfig:
    n_heroes: int = 40
    n_players: int = 300
    emb_dim: int = 16
    team_size: int = 5
    n_matches: int = 1200
    batch_size: int = 64
    epochs: int = 3
    lr: float = 5e-3
    weight_decay: float = 1e-4
    seed: int = 11
    log_every: int = 5


def synth_matches(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    true_skill = torch.randn(cfg.n_players, generator=g)
    true_syn = torch.randn(cfg.n_heroes, cfg.n_heroes, generator=g) * 0.3
    true_syn = (true_syn + true_syn.T) / 2
    players = torch.stack([torch.randperm(cfg.n_players, generator=g)[: 2 * cfg.team_size]
                           for _ in range(cfg.n_matches)])
    heroes = torch.stack([torch.randperm(cfg.n_heroes, generator=g)[: 2 * cfg.team_size]
                          for _ in range(cfg.n_matches)])

    def team_score(p, h):
        pairs = torch.combinations(torch.arange(cfg.team_size), r=2)
        syn = true_syn[h[:, pairs[:, 0]], h[:, pairs[:, 1]]].sum(-1)
        return true_skill[p].sum(-1) + syn

    ts = cfg.team_size
    diff = team_score(players[:, :ts], heroes[:, :ts]) - team_score(players[:, ts:], heroes[:, ts:])
    won = (torch.rand(cfg.n_matches, generator=g) < torch.sigmoid(diff)).float()
    return players, heroes, won


class TeamCompModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.player_emb = nn.Embedding(cfg.n_players, cfg.emb_dim)
        self.hero_emb = nn.Embedding(cfg.n_heroes, cfg.emb_dim)
        self.skill = nn.Bilinear(cfg.emb_dim, cfg.emb_dim, 1)
        self.syn_proj = nn.Linear(cfg.emb_dim, cfg.emb_dim, bias=False)
        pairs = list(itertools.combinations(range(cfg.team_size), 2))
        self.register_buffer("pairs", torch.tensor(pairs))

    def synergy_matrix(self):
        e = self.hero_emb.weight
        return torch.tanh(self.syn_proj(e)) @ e.T / self.cfg.emb_dim ** 0.5

    def team_score(self, players, heroes, syn):
        p = self.player_emb(players)
        h = self.hero_emb(heroes)
        indiv = self.skill(p, h).squeeze(-1).sum(-1)
        a, b = heroes[:, self.pairs[:, 0]], heroes[:, self.pairs[:, 1]]
        return indiv + syn[a, b].sum(-1)

    def forward(self, players, heroes, syn):
        ts = self.cfg.team_size
        rad = self.team_score(players[:, :ts], heroes[:, :ts], syn)
        dire = self.team_score(players[:, ts:], heroes[:, ts:], syn)
        return rad - dire


class Trainer:
    def __init__(self, cfg, model):
        self.cfg = cfg
        self.model = model
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)

    def fit(self, players, heroes, won):
        n = len(won)
        for epoch in range(self.cfg.epochs):
            perm = torch.randperm(n)
            # hero-pair synergy table shared by every batch of the epoch
            syn = self.model.synergy_matrix()
            losses = []
            for step, start in enumerate(range(0, n, self.cfg.batch_size)):
                idx = perm[start:start + self.cfg.batch_size]
                logits = self.model(players[idx], heroes[idx], syn)
                loss = F.binary_cross_entropy_with_logits(logits, won[idx])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
                if step % self.cfg.log_every == 0:
                    print(f"epoch {epoch} step {step} loss {loss.item():.4f}")
            print(f"epoch {epoch} mean loss {sum(losses) / len(losses):.4f}")

    @torch.no_grad()
    def accuracy(self, players, heroes, won):
        syn = self.model.synergy_matrix()
        pred = (self.model(players, heroes, syn) > 0).float()
        return (pred == won).float().mean().item()


def main():
    cfg = SynergyConfig()
    torch.manual_seed(cfg.seed)
    players, heroes, won = synth_matches(cfg)
    n_train = int(0.85 * cfg.n_matches)
    model = TeamCompModel(cfg)
    trainer = Trainer(cfg, model)
    trainer.fit(players[:n_train], heroes[:n_train], won[:n_train])
    print("holdout acc", trainer.accuracy(players[n_train:], heroes[n_train:], won[n_train:]))


if __name__ == "__main__":
    main()
