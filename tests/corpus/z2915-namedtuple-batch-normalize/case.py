import random
from typing import Dict, Iterator, List, NamedTuple, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

NUM_USERS = 120
NUM_ITEMS = 300
DENSE_DIM = 4
DIM = 32
NEGS_PER_POS = 3


def build_user_features(n_users: int) -> Dict[str, List[float]]:
    return {
        "user_id": list(range(n_users)),
        "age": np.random.randint(16, 70, size=n_users).tolist(),
        "tenure_days": np.random.exponential(400, size=n_users).round(1).tolist(),
        "sessions_30d": np.random.poisson(12, size=n_users).tolist(),
        "avg_basket": np.random.gamma(2.0, 25.0, size=n_users).round(2).tolist(),
    }


def build_log(n_rows: int) -> List[Tuple[int, int, int]]:
    rows = []
    for _ in range(n_rows):
        u = random.randrange(NUM_USERS)
        i = (u * 7 + random.randrange(20)) % NUM_ITEMS
        rows.append((u, i, 1))
    return rows


def with_negatives(log, negs_per_pos):
    out = []
    for u, i, y in log:
        out.append((u, i, y))
        for _ in range(negs_per_pos):
            out.append((u, random.randrange(NUM_ITEMS), 0))
    return out


class Batch(NamedTuple):
    user_ids: torch.Tensor
    item_ids: torch.Tensor
    dense_feats: torch.Tensor
    labels: torch.Tensor


def dense_matrix(store: Dict[str, List[float]]) -> np.ndarray:
    cols = ["age", "tenure_days", "sessions_30d", "avg_basket"]
    return np.stack([np.asarray(store[c], dtype=np.float32) for c in cols], axis=1)


def make_batches(rows, dense, batch_size=128) -> Iterator[Batch]:
    idx = np.random.permutation(len(rows))
    for s in range(0, len(idx), batch_size):
        chunk = [rows[j] for j in idx[s:s + batch_size]]
        users = torch.tensor([r[0] for r in chunk])
        yield Batch(
            user_ids=users,
            item_ids=torch.tensor([r[1] for r in chunk]),
            dense_feats=torch.from_numpy(dense[users.numpy()]),
            labels=torch.tensor([float(r[2]) for r in chunk]),
        )


def fit_scaler(dense: np.ndarray):
    mu = dense.mean(axis=0)
    sigma = dense.std(axis=0) + 1e-6
    return torch.from_numpy(mu), torch.from_numpy(sigma)


def standardize(batch: Batch, scaler) -> Batch:
    mu, sigma = scaler
    batch.dense_feats = (batch.dense_feats - mu) / sigma
    return batch


class DualEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.users = nn.Embedding(NUM_USERS, DIM)
        self.items = nn.Embedding(NUM_ITEMS, DIM)
        self.dense_proj = nn.Linear(DENSE_DIM, DIM)
        self.user_head = nn.Sequential(nn.Linear(2 * DIM, DIM), nn.GELU(), nn.Linear(DIM, DIM))
        self.item_bias = nn.Embedding(NUM_ITEMS, 1)

    def forward(self, b: Batch) -> torch.Tensor:
        u = self.user_head(torch.cat([self.users(b.user_ids), self.dense_proj(b.dense_feats)], dim=-1))
        v = self.items(b.item_ids)
        return (u * v).sum(-1) + self.item_bias(b.item_ids).squeeze(-1)


def run():
    store = build_user_features(NUM_USERS)
    dense = dense_matrix(store)
    scaler = fit_scaler(dense)
    rows = with_negatives(build_log(2000), NEGS_PER_POS)
    split = int(0.9 * len(rows))
    train_rows, valid_rows = rows[:split], rows[split:]

    model = DualEncoder()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(3):
        model.train()
        losses = []
        for batch in make_batches(train_rows, dense):
            batch = standardize(batch, scaler)
            logits = model(batch)
            loss = F.binary_cross_entropy_with_logits(logits, batch.labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())

        model.eval()
        correct = total = 0
        with torch.no_grad():
            for batch in make_batches(valid_rows, dense):
                batch = standardize(batch, scaler)
                pred = (model(batch) > 0).float()
                correct += (pred == batch.labels).sum().item()
                total += len(batch.labels)
        print(f"epoch {epoch} train_loss={np.mean(losses):.4f} valid_acc={correct / total:.3f}")


if __name__ == "__main__":
    run()
