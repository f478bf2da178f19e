"""Draft-phase win predictor: embeds the 10 hero picks (5 radiant, 5 dire)
plus a few pre-game context features and predicts P(radiant wins)."""
import csv
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
N_HEROES = 124
PAD_HERO = 0            # id 0 reserved for "no pick" (abandoned / remake lobbies)
PICKS_PER_TEAM = 5
DRAFT_CSV = "drafts.csv"

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def write_fake_match_dump(path, n_matches=600):
    """Mimic the export from our match-history warehouse. Some lobbies were
    remade after a disconnect so a few pick slots are empty."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        header = ["match_id", "patch", "avg_mmr"]
        header += [f"r_pick{i}" for i in range(PICKS_PER_TEAM)]
        header += [f"d_pick{i}" for i in range(PICKS_PER_TEAM)]
        header += ["radiant_win"]
        w.writerow(header)
        for m in range(n_matches):
            heroes = random.sample(range(1, N_HEROES), 2 * PICKS_PER_TEAM)
            picks = [str(h) for h in heroes]
            if random.random() < 0.08:
                picks[random.randrange(len(picks))] = ""
            row = [7000000 + m, random.choice(["7.35", "7.35b", "7.36"]),
                   int(np.random.normal(3200, 800))]
            w.writerow(row + picks + [int(random.random() < 0.52)])


def load_drafts(path):
    patches = {"7.35": 0, "7.35b": 1, "7.36": 2}
    picks, ctx, y = [], [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            slots = [row[f"r_pick{i}"] for i in range(PICKS_PER_TEAM)]
            slots += [row[f"d_pick{i}"] for i in range(PICKS_PER_TEAM)]
            picks.append([float(s) if s else np.nan for s in slots])
            ctx.append([patches[row["patch"]], float(row["avg_mmr"])])
            y.append(float(row["radiant_win"]))
    picks = np.array(picks)
    picks = np.nan_to_num(picks, nan=PAD_HERO).astype(np.int64)
    ctx = np.array(ctx, dtype=np.float32)
    ctx[:, 1] = (ctx[:, 1] - ctx[:, 1].mean()) / ctx[:, 1].std()
    return picks, ctx, np.array(y, dtype=np.float32)


class DraftDataset(Dataset):
    def __init__(self, picks, ctx, y):
        self.picks = torch.from_numpy(picks)
        self.ctx = torch.from_numpy(ctx)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.picks[i], self.ctx[i], self.y[i]


class DraftWinModel(nn.Module):
    def __init__(self, n_heroes, hero_dim=32, n_patches=3, hidden=64):
        super().__init__()
        self.hero_emb = nn.Embedding(n_heroes, hero_dim, padding_idx=PAD_HERO)
        self.side_emb = nn.Embedding(2, hero_dim)
        self.patch_emb = nn.Embedding(n_patches, 8)
        self.mlp = nn.Sequential(
            nn.Linear(2 * hero_dim + 8 + 1, hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(hidden, 1),
        )
        side = torch.tensor([0] * PICKS_PER_TEAM + [1] * PICKS_PER_TEAM)
        self.register_buffer("side_ids", side, persistent=False)

    def forward(self, picks, ctx):
        h = self.hero_emb(picks) + self.side_emb(self.side_ids)[None]
        radiant = h[:, :PICKS_PER_TEAM].sum(1)
        dire = h[:, PICKS_PER_TEAM:].sum(1)
        patch = self.patch_emb(ctx[:, 0].long())
        mmr = ctx[:, 1:2]
        return self.mlp(torch.cat([radiant, dire, patch, mmr], dim=-1)).squeeze(-1)


def train(model, loader, epochs=3, lr=3e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(epochs):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for picks, ctx, y in loader:
            logits = model(picks, ctx)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            correct += ((logits > 0).float() == y).sum().item()
            seen += len(y)
        print(f"epoch {epoch}: loss={total / seen:.4f} acc={correct / seen:.3f}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, DRAFT_CSV)
    write_fake_match_dump(path)
    picks, ctx, y = load_drafts(path)
    print(f"loaded {len(y)} drafts, empty slots: {(picks == PAD_HERO).sum()}")
    n_train = int(0.85 * len(y))
    train_ds = DraftDataset(picks[:n_train], ctx[:n_train], y[:n_train])
    loader = DataLoader(train_ds, batch_size=64, shuffle=True)
    model = DraftWinModel(N_HEROES)
    train(model, loader)


if __name__ == "__main__":
    main()
