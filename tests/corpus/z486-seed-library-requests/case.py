"""Which heirloom varieties will a seed-library member request next season?

Implicit-feedback matrix factorisation over the circulation ledger, trained with
accelerate so the same script runs on the volunteers' laptops and the co-op's box.
"""
import random

import torch
import torch.nn as nn
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, TensorDataset

set_seed(3)
rng = random.Random(3)

N_MEMBERS = 30
N_VARIETIES = 120
EMB_DIM = 16

# circulation ledger export: (season, variety_id, member_id, germinated)
LEDGER = [
    (rng.choice([2021, 2022, 2023]), rng.randrange(N_VARIETIES), rng.randrange(N_MEMBERS), rng.random() < 0.7)
    for _ in range(400)
]


def ledger_columns(rows):
    season, member, variety, germinated = zip(*rows)
    return {
        "season": torch.tensor(season),
        "member": torch.tensor(member),
        "variety": torch.tensor(variety),
        "germinated": torch.tensor(germinated, dtype=torch.float32),
    }


def with_negatives(cols, k=2):
    members = cols["member"].repeat(k + 1)
    positives = cols["variety"]
    negatives = torch.randint(0, N_VARIETIES, (k * len(positives),))
    varieties = torch.cat([positives, negatives])
    target = torch.cat([torch.ones(len(positives)), torch.zeros(len(negatives))])
    return members, varieties, target


class SeedRecommender(nn.Module):
    def __init__(self, n_members, n_varieties, dim):
        super().__init__()
        self.member_emb = nn.Embedding(n_members, dim)
        self.variety_emb = nn.Embedding(n_varieties, dim)
        self.variety_bias = nn.Embedding(n_varieties, 1)

    def forward(self, member, variety):
        m = self.member_emb(member)
        v = self.variety_emb(variety)
        return (m * v).sum(-1) + self.variety_bias(variety).squeeze(-1)


def train(epochs=2, batch_size=64, lr=0.05):
    accelerator = Accelerator(cpu=True)
    cols = ledger_columns(LEDGER)
    members, varieties, target = with_negatives(cols)
    loader = DataLoader(TensorDataset(members, varieties, target), batch_size=batch_size, shuffle=True)

    model = SeedRecommender(N_MEMBERS, N_VARIETIES, EMB_DIM)
    optimizer = torch.optim.Adagrad(model.parameters(), lr=lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(epochs):
        total = 0.0
        for member, variety, y in loader:
            loss = loss_fn(model(member, variety), y)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            total += loss.item()
        accelerator.print(f"epoch {epoch}: loss {total / len(loader):.4f}")
    return accelerator.unwrap_model(model)


def top_picks(model, member_id, k=5):
    with torch.no_grad():
        scores = model(torch.full((N_VARIETIES,), member_id), torch.arange(N_VARIETIES))
    return scores.topk(k).indices.tolist()


if __name__ == "__main__":
    model = train()
    print("member 4 might like varieties", top_picks(model, 4))
