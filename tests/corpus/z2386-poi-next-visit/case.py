"""Next-POI recommendation from tourist check-in trajectories (GRU over visit sequences)."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


@dataclass
class TrajConfig:
    n_pois: int = 400
    n_categories: int = 12
    n_users: int = 150
    poi_dim: int = 48
    cat_dim: int = 16
    time_dim: int = 8
    hidden: int = 64
    min_len: int = 4
    max_len: int = 20
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 7


PAD = 0


def synth_trajectories(cfg, n_traj=600):
    rng = np.random.default_rng(cfg.seed)
    poi_category = rng.integers(0, cfg.n_categories, cfg.n_pois + 1)
    trajs = []
    for _ in range(n_traj):
        user = int(rng.integers(0, cfg.n_users))
        length = int(rng.integers(cfg.min_len, cfg.max_len + 1))
        start_hour = int(rng.integers(7, 12))
        weekday = int(rng.integers(0, 7))
        pois = rng.integers(1, cfg.n_pois + 1, length)
        hours = np.minimum(start_hour + np.cumsum(rng.integers(0, 3, length)), 23)
        trajs.append({
            "user": user,
            "poi": pois.tolist(),
            "cat": poi_category[pois].tolist(),
            "hour": hours.tolist(),
            "weekday": [weekday] * length,
        })
    return trajs


class CheckinDataset(Dataset):
    def __init__(self, trajs):
        self.trajs = trajs

    def __len__(self):
        return len(self.trajs)

    def __getitem__(self, i):
        t = self.trajs[i]
        return {
            "poi": torch.tensor(t["poi"][:-1]),
            "cat": torch.tensor(t["cat"][:-1]),
            "hour": torch.tensor(t["hour"][:-1]),
            "weekday": torch.tensor(t["weekday"][:-1]),
            "target": torch.tensor(t["poi"][1:]),
        }


def collate_checkins(batch):
    out = {}
    for key in ("poi", "cat", "hour", "weekday", "target"):
        out[key] = pad_sequence([b[key] for b in batch], batch_first=True, padding_value=PAD)
    out["lengths"] = torch.tensor([len(b["poi"]) for b in batch])
    return out


class NextPOIModel(nn.Module):
    def __init__(self, cfg: TrajConfig):
        super().__init__()
        self.poi_emb = nn.Embedding(cfg.n_pois + 1, cfg.poi_dim, padding_idx=PAD)
        self.cat_emb = nn.Embedding(cfg.n_categories, cfg.cat_dim)
        self.hour_emb = nn.Embedding(24, cfg.time_dim)
        self.day_emb = nn.Embedding(7, cfg.time_dim)
        in_dim = cfg.poi_dim + cfg.cat_dim + cfg.time_dim
        self.fuse = nn.Sequential(nn.Linear(in_dim, cfg.hidden), nn.Tanh())
        self.gru = nn.GRU(cfg.hidden, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, cfg.n_pois + 1)

    def forward(self, batch):
        x = torch.cat([
            self.poi_emb(batch["poi"]),
            self.cat_emb(batch["cat"]),
            self.hour_emb(batch["hour"]),
            self.day_emb(batch["weekday"]),
        ], dim=-1)
        h = self.fuse(x)
        packed = nn.utils.rnn.pack_padded_sequence(h, batch["lengths"], batch_first=True, enforce_sorted=False)
        seq, _ = self.gru(packed)
        seq, _ = nn.utils.rnn.pad_packed_sequence(seq, batch_first=True, total_length=h.size(1))
        return self.out(seq)


def recall_at_k(logits, target, k=10):
    mask = target != PAD
    topk = logits.topk(k, dim=-1).indices
    hit = (topk == target.unsqueeze(-1)).any(-1)
    return (hit & mask).sum().item() / max(mask.sum().item(), 1)


def train(cfg: TrajConfig):
    torch.manual_seed(cfg.seed)
    trajs = synth_trajectories(cfg)
    split = int(0.85 * len(trajs))
    train_dl = DataLoader(CheckinDataset(trajs[:split]), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=collate_checkins)
    valid_dl = DataLoader(CheckinDataset(trajs[split:]), batch_size=cfg.batch_size,
                          collate_fn=collate_checkins)

    model = NextPOIModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)

    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(train_dl):
            logits = model(batch)
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch["target"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.4f}")

        model.eval()
        recalls = []
        with torch.no_grad():
            for batch in valid_dl:
                recalls.append(recall_at_k(model(batch), batch["target"]))
        print(f"epoch {epoch} valid recall@10 {np.mean(recalls):.4f}")
    return model


if __name__ == "__main__":
    train(TrajConfig())
