"""Two-tower podcast episode recommender with a popularity-bucket side feature.

Listener tower: listener id embedding + mean of recently played episodes.
Episode tower: episode id embedding + popularity bucket embedding.
Trained with in-batch softmax on synthetic listening sessions.
"""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RecConfig:
    n_listeners: int = 400
    n_episodes: int = 1200
    n_pop_buckets: int = 8
    dim: int = 32
    history_len: int = 6
    batch_size: int = 64
    steps: int = 30
    lr: float = 3e-3
    temperature: float = 0.1


def make_catalogue(cfg, gen):
    # heavy-tailed play counts per episode
    plays = torch.distributions.Pareto(torch.tensor(1.0), torch.tensor(1.3)).sample((cfg.n_episodes,))
    plays = (plays * 50).round()
    log_plays = torch.log1p(plays)
    pop_bucket = torch.floor(log_plays / log_plays.max() * (cfg.n_pop_buckets - 1))
    return plays, pop_bucket


def make_sessions(cfg, plays, gen, n_sessions=3000):
    probs = plays / plays.sum()
    listeners = torch.randint(0, cfg.n_listeners, (n_sessions,), generator=gen)
    history = torch.multinomial(probs, n_sessions * cfg.history_len, replacement=True, generator=gen)
    history = history.view(n_sessions, cfg.history_len)
    target = torch.multinomial(probs, n_sessions, replacement=True, generator=gen)
    return listeners, history, target


class ListenerTower(nn.Module):
    def __init__(self, cfg, episode_emb):
        super().__init__()
        self.listener_emb = nn.Embedding(cfg.n_listeners, cfg.dim)
        self.episode_emb = episode_emb
        self.proj = nn.Sequential(nn.Linear(2 * cfg.dim, cfg.dim), nn.ReLU(), nn.Linear(cfg.dim, cfg.dim))

    def forward(self, listener_ids, history):
        u = self.listener_emb(listener_ids)
        h = self.episode_emb(history).mean(dim=1)
        return F.normalize(self.proj(torch.cat([u, h], dim=-1)), dim=-1)


class EpisodeTower(nn.Module):
    def __init__(self, cfg, episode_emb, pop_bucket):
        super().__init__()
        self.episode_emb = episode_emb
        self.pop_emb = nn.Embedding(cfg.n_pop_buckets, cfg.dim)
        self.register_buffer("pop_bucket", pop_bucket)
        self.proj = nn.Linear(2 * cfg.dim, cfg.dim)

    def forward(self, episode_ids):
        e = self.episode_emb(episode_ids)
        p = self.pop_emb(self.pop_bucket[episode_ids])
        return F.normalize(self.proj(torch.cat([e, p], dim=-1)), dim=-1)


def train(cfg):
    random.seed(0)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)

    plays, pop_bucket = make_catalogue(cfg, gen)
    listeners, history, target = make_sessions(cfg, plays, gen)

    shared_episode_emb = nn.Embedding(cfg.n_episodes, cfg.dim)
    listener_tower = ListenerTower(cfg, shared_episode_emb)
    episode_tower = EpisodeTower(cfg, shared_episode_emb, pop_bucket)
    params = list(listener_tower.parameters()) + [
        p for n, p in episode_tower.named_parameters() if not n.startswith("episode_emb")
    ]
    opt = torch.optim.Adam(params, lr=cfg.lr)

    n = listeners.shape[0]
    for step in range(cfg.steps):
        idx = torch.randint(0, n, (cfg.batch_size,), generator=gen)
        q = listener_tower(listeners[idx], history[idx])
        c = episode_tower(target[idx])
        logits = q @ c.T / cfg.temperature
        loss = F.cross_entropy(logits, torch.arange(cfg.batch_size))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d}  in-batch loss {loss.item():.4f}")

    with torch.no_grad():
        q = listener_tower(listeners[:5], history[:5])
        all_eps = episode_tower(torch.arange(cfg.n_episodes))
        top = (q @ all_eps.T).topk(5, dim=-1).indices
    for i in range(5):
        print(f"listener {listeners[i].item():4d} -> {top[i].tolist()}")
    print("random-guess loss:", math.log(cfg.batch_size))


if __name__ == "__main__":
    train(RecConfig())
