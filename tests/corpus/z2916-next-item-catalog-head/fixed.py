import random
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader


@dataclass
class TrainConfig:
    n_users: int = 40
    n_catalog: int = 60
    events_per_user: int = 18
    max_hist: int = 8
    emb_dim: int = 24
    batch_size: int = 32
    epochs: int = 3
    lr: float = 3e-3
    seed: int = 7


class SeqBatch(NamedTuple):
    user: torch.Tensor
    history: torch.Tensor
    hist_mask: torch.Tensor
    target: torch.Tensor


def synth_logs(cfg: TrainConfig):
    rng = random.Random(cfg.seed)
    logs = []
    for u in range(cfg.n_users):
        ts = 1_700_000_000 + rng.randint(0, 10_000)
        taste = rng.sample(range(cfg.n_catalog), 12)
        for _ in range(cfg.events_per_user):
            ts += rng.randint(30, 4000)
            if rng.random() < 0.75:
                sku = taste[rng.randrange(len(taste))]
            else:
                sku = rng.randrange(cfg.n_catalog)
            logs.append((f"u{u:03d}", f"sku-{sku:04d}", ts))
    rng.shuffle(logs)
    return logs


def build_vocab(logs):
    users = sorted({u for u, _, _ in logs})
    items = sorted({i for _, i, _ in logs})
    user2idx = {u: k for k, u in enumerate(users)}
    item2idx = {it: k + 1 for k, it in enumerate(items)}
    return user2idx, item2idx


class NextItemDataset(Dataset):
    def __init__(self, logs, user2idx, item2idx, max_hist):
        per_user = defaultdict(list)
        for u, it, ts in logs:
            per_user[u].append((ts, it))
        self.rows = []
        for u, events in per_user.items():
            seq = [item2idx[it] for _, it in sorted(events)]
            for t in range(1, len(seq)):
                hist = seq[max(0, t - max_hist):t]
                self.rows.append((user2idx[u], hist, seq[t]))
        self.max_hist = max_hist

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def make_collate(max_hist):
    def collate(rows) -> SeqBatch:
        users, hists, targets = zip(*rows)
        padded = [h + [0] * (max_hist - len(h)) for h in hists]
        history = torch.tensor(padded, dtype=torch.long)
        return SeqBatch(
            user=torch.tensor(users, dtype=torch.long),
            history=history,
            hist_mask=(history != 0).float(),
            target=torch.tensor(targets, dtype=torch.long),
        )
    return collate


class HistoryPoolRecommender(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user_emb = nn.Embedding(n_users, dim)
        self.item_emb = nn.Embedding(n_items + 1, dim, padding_idx=0)
        self.mix = nn.Sequential(
            nn.Linear(2 * dim, dim),
            nn.GELU(),
            nn.LayerNorm(dim),
        )
        self.head = nn.Linear(dim, n_items + 1)

    def forward(self, batch: SeqBatch):
        h = self.item_emb(batch.history)
        denom = batch.hist_mask.sum(1, keepdim=True).clamp(min=1.0)
        pooled = (h * batch.hist_mask.unsqueeze(-1)).sum(1) / denom
        z = self.mix(torch.cat([self.user_emb(batch.user), pooled], dim=-1))
        return self.head(z)


def hit_rate_at_k(logits, target, k=10):
    topk = logits.topk(k, dim=-1).indices
    return (topk == target.unsqueeze(1)).any(1).float().mean().item()


def main():
    cfg = TrainConfig()
    torch.manual_seed(cfg.seed)
    logs = synth_logs(cfg)
    user2idx, item2idx = build_vocab(logs)
    n_items = len(item2idx)
    print(f"{len(logs)} events, {len(user2idx)} users, {n_items} items")

    ds = NextItemDataset(logs, user2idx, item2idx, cfg.max_hist)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(cfg.max_hist))

    model = HistoryPoolRecommender(len(user2idx), n_items, cfg.emb_dim)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)

    for epoch in range(cfg.epochs):
        model.train()
        tot, hr, nb = 0.0, 0.0, 0
        for batch in loader:
            logits = model(batch)
            loss = F.cross_entropy(logits, batch.target, label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += loss.item()
            hr += hit_rate_at_k(logits.detach(), batch.target)
            nb += 1
        print(f"epoch {epoch}: loss={tot / nb:.4f} HR@10={hr / nb:.3f}")


if __name__ == "__main__":
    main()
