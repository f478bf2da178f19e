"""Podcast episode recommender: matrix-factorisation style model predicting whether
a listener finishes an episode, trained on a simulated listening log."""
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class RecConfig:
    n_listeners: int = 500
    n_episodes: int = 120
    n_events: int = 4000
    dim: int = 16
    batch_size: int = 64
    epochs: int = 3
    lr: float = 0.01
    seed: int = 3


def simulate_log(cfg: RecConfig) -> torch.Tensor:
    """Listening log, one row per play: (listener_id, episode_id, completed)."""
    g = torch.Generator().manual_seed(cfg.seed)
    taste = torch.randn(cfg.n_listeners, 4, generator=g)
    style = torch.randn(cfg.n_episodes, 4, generator=g)
    listener = torch.randint(0, cfg.n_listeners, (cfg.n_events,), generator=g)
    episode = torch.randint(0, cfg.n_episodes, (cfg.n_events,), generator=g)
    affinity = (taste[listener] * style[episode]).sum(-1)
    completed = (torch.rand(cfg.n_events, generator=g) < torch.sigmoid(affinity)).long()
    return torch.stack([listener, episode, completed], dim=1)


class PlayDataset(Dataset):
    def __init__(self, log: torch.Tensor):
        self.log = log

    def __len__(self):
        return self.log.size(0)

    def __getitem__(self, i):
        listener, episode, completed = self.log[i]
        return {"listener": listener, "episode": episode, "completed": completed.float()}


class CompletionModel(nn.Module):
    def __init__(self, cfg: RecConfig):
        super().__init__()
        self.listener_emb = nn.Embedding(cfg.n_listeners, cfg.dim)
        self.episode_emb = nn.Embedding(cfg.n_episodes, cfg.dim)
        self.listener_bias = nn.Embedding(cfg.n_listeners, 1)
        self.episode_bias = nn.Embedding(cfg.n_episodes, 1)
        self.global_bias = nn.Parameter(torch.zeros(1))
        for emb in (self.listener_emb, self.episode_emb):
            nn.init.normal_(emb.weight, std=0.1)

    def forward(self, listener, episode):
        u = self.listener_emb(listener)
        v = self.episode_emb(episode)
        score = (u * v).sum(-1)
        score = score + self.listener_bias(listener).squeeze(-1) + self.episode_bias(episode).squeeze(-1)
        return score + self.global_bias


def train(cfg: RecConfig):
    torch.manual_seed(cfg.seed)
    log = simulate_log(cfg)
    n_train = int(0.9 * len(log))
    train_dl = DataLoader(PlayDataset(log[:n_train]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(PlayDataset(log[n_train:]), batch_size=256)

    model = CompletionModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["listener"], batch["episode"])
            loss = loss_fn(logits, batch["completed"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(logits)

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["listener"], batch["episode"]) > 0
                correct += (pred.float() == batch["completed"]).sum().item()
                total += len(pred)
        print(f"epoch {epoch}: train bce {running / n_train:.4f}  val acc {correct / total:.3f}")
    return model


if __name__ == "__main__":
    train(RecConfig())
