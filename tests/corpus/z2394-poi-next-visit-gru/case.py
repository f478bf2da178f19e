from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class NextPOIConfig:
    n_pois: int = 300
    n_categories: int = 12
    emb_dim: int = 32
    hidden_dim: int = 64
    seq_len: int = 10
    n_trajectories: int = 512
    batch_size: int = 64
    epochs: int = 3
    lr: float = 2e-3
    pop_reg: float = 0.05
    seed: int = 3


def simulate_checkins(cfg: NextPOIConfig):
    g = torch.Generator().manual_seed(cfg.seed)
    poi_cat = torch.randint(0, cfg.n_categories, (cfg.n_pois,), generator=g)
    popularity = torch.distributions.Dirichlet(torch.full((cfg.n_pois,), 0.3)).sample()
    starts = torch.multinomial(popularity, cfg.n_trajectories, replacement=True, generator=g)
    traj = [starts]
    for _ in range(cfg.seq_len):
        prev = traj[-1]
        hop = torch.randint(-5, 6, prev.shape, generator=g)
        nxt = (prev + hop) % cfg.n_pois
        traj.append(nxt)
    traj = torch.stack(traj, dim=1)
    return traj, poi_cat, popularity


class NextPOIRecommender(nn.Module):
    def __init__(self, cfg: NextPOIConfig, poi_cat: torch.Tensor):
        super().__init__()
        self.register_buffer("poi_cat", poi_cat)
        self.poi_emb = nn.Embedding(cfg.n_pois, cfg.emb_dim)
        self.cat_emb = nn.Embedding(cfg.n_categories, cfg.emb_dim // 2)
        self.gru = nn.GRU(cfg.emb_dim + cfg.emb_dim // 2, cfg.hidden_dim, batch_first=True)
        self.proj = nn.Linear(cfg.hidden_dim, cfg.emb_dim)

    def forward(self, visits):
        x = torch.cat([self.poi_emb(visits), self.cat_emb(self.poi_cat[visits])], dim=-1)
        h, _ = self.gru(x)
        q = self.proj(h)
        return q @ self.poi_emb.weight.t()


def popularity_regularizer(model, popularity):
    norms = model.poi_emb.weight.norm(dim=1)
    return (norms * popularity.log().neg()).mean()


@torch.no_grad()
def hit_rate_at_k(model, loader, k=10):
    model.eval()
    hits, n = 0, 0
    for (traj,) in loader:
        logits = model(traj[:, :-1])[:, -1]
        topk = logits.topk(k, dim=-1).indices
        hits += (topk == traj[:, -1:]).any(dim=1).sum().item()
        n += traj.size(0)
    model.train()
    return hits / n


class Trainer:
    def __init__(self, cfg: NextPOIConfig):
        self.cfg = cfg
        torch.manual_seed(cfg.seed)
        traj, poi_cat, self.popularity = simulate_checkins(cfg)
        split = int(0.85 * len(traj))
        self.train_loader = DataLoader(TensorDataset(traj[:split]), batch_size=cfg.batch_size, shuffle=True)
        self.val_loader = DataLoader(TensorDataset(traj[split:]), batch_size=cfg.batch_size)
        self.model = NextPOIRecommender(cfg, poi_cat)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)

    def fit(self):
        cfg = self.cfg
        reg = cfg.pop_reg * popularity_regularizer(self.model, self.popularity)
        for epoch in range(cfg.epochs):
            running = 0.0
            for step, (traj,) in enumerate(self.train_loader):
                inputs, targets = traj[:, :-1], traj[:, 1:]
                logits = self.model(inputs)
                ce = F.cross_entropy(logits.reshape(-1, cfg.n_pois), targets.reshape(-1))
                loss = ce + reg
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                running += loss.item()
            hr = hit_rate_at_k(self.model, self.val_loader)
            print(f"epoch {epoch} loss={running / (step + 1):.4f} HR@10={hr:.3f}")


if __name__ == "__main__":
    Trainer(NextPOIConfig()).fit()
