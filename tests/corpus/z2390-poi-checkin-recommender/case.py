import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class RecConfig:
    n_pois: int = 300
    n_users: int = 40
    n_categories: int = 12
    emb_dim: int = 32
    hidden: int = 64
    min_visits: int = 3
    max_visits: int = 15
    batch_size: int = 8
    epochs: int = 2
    lr: float = 1e-3
    seed: int = 11
    pad_id: int = 0


def simulate_trajectories(cfg):
    rnd = random.Random(cfg.seed)
    poi_category = {p: rnd.randrange(cfg.n_categories) for p in range(1, cfg.n_pois + 1)}
    trips = []
    for user in range(cfg.n_users):
        for _ in range(5):
            n = rnd.randint(cfg.min_visits, cfg.max_visits)
            pois = [rnd.randint(1, cfg.n_pois) for _ in range(n)]
            hours = sorted(rnd.randint(8, 22) for _ in range(n))
            trips.append({
                "user": user,
                "pois": pois,
                "hours": hours,
                "cats": [poi_category[p] for p in pois],
            })
    return trips


class CheckinDataset(Dataset):
    def __init__(self, trips):
        self.trips = trips

    def __len__(self):
        return len(self.trips)

    def __getitem__(self, i):
        t = self.trips[i]
        return {
            "user": t["user"],
            "poi_in": t["pois"][:-1],
            "hour_in": t["hours"][:-1],
            "cat_in": t["cats"][:-1],
            "target": t["pois"][-1],
        }


def collate_trips(batch):
    out = {
        "user": torch.tensor([b["user"] for b in batch]),
        "target": torch.tensor([b["target"] for b in batch]),
        "lengths": torch.tensor([len(b["poi_in"]) for b in batch]),
    }
    for key in ("poi_in", "hour_in", "cat_in"):
        out[key] = torch.tensor([b[key] for b in batch])
    return out


class NextPOIModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.poi_emb = nn.Embedding(cfg.n_pois + 1, cfg.emb_dim, padding_idx=cfg.pad_id)
        self.hour_emb = nn.Embedding(24, 8)
        self.cat_emb = nn.Embedding(cfg.n_categories, 8)
        self.user_emb = nn.Embedding(cfg.n_users, cfg.emb_dim)
        self.gru = nn.GRU(cfg.emb_dim + 16, cfg.hidden, batch_first=True)
        self.fuse = nn.Linear(cfg.hidden + cfg.emb_dim, cfg.hidden)
        self.scorer = nn.Linear(cfg.hidden, cfg.n_pois + 1)

    def forward(self, poi_in, hour_in, cat_in, user, lengths):
        x = torch.cat([self.poi_emb(poi_in), self.hour_emb(hour_in), self.cat_emb(cat_in)], dim=-1)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        h = torch.cat([h[-1], self.user_emb(user)], dim=-1)
        return self.scorer(torch.relu(self.fuse(h)))


def recall_at_k(logits, target, k=10):
    topk = logits.topk(k, dim=-1).indices
    return (topk == target.unsqueeze(1)).any(1).float().mean().item()


def main():
    cfg = RecConfig()
    torch.manual_seed(cfg.seed)
    trips = simulate_trajectories(cfg)
    split = int(0.85 * len(trips))
    train_dl = DataLoader(CheckinDataset(trips[:split]), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=collate_trips)
    val_dl = DataLoader(CheckinDataset(trips[split:]), batch_size=cfg.batch_size,
                        collate_fn=collate_trips)

    model = NextPOIModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for batch in train_dl:
            logits = model(batch["poi_in"], batch["hour_in"], batch["cat_in"],
                           batch["user"], batch["lengths"])
            loss = loss_fn(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()

        model.eval()
        recs = []
        with torch.no_grad():
            for batch in val_dl:
                logits = model(batch["poi_in"], batch["hour_in"], batch["cat_in"],
                               batch["user"], batch["lengths"])
                recs.append(recall_at_k(logits, batch["target"]))
        print(f"epoch {epoch} loss {running / len(train_dl):.3f} recall@10 {sum(recs) / len(recs):.3f}")


if __name__ == "__main__":
    main()
