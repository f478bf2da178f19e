"""Draft-phase win predictor: given the 5v5 hero picks, predict the radiant win chance.

Matches come from a replay-parser dump (JSON lines) that we write here with
synthetic data. Hero embeddings are summed per team and fed to an MLP.
"""
import json
import os
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(2024)
torch.manual_seed(2024)

HERE = os.path.dirname(os.path.abspath(__file__))
DUMP_PATH = os.path.join(HERE, "parsed_matches.jsonl")

HEROES = [
    "Axe", "Crystal Maiden", "Invoker", "Pudge", "Juggernaut", "Lion", "Sniper",
    "Phantom Assassin", "Earthshaker", "Shadow Fiend", "Lina", "Tidehunter",
    "Witch Doctor", "Anti-Mage", "Rubick", "Mirana", "Slark", "Zeus", "Bristleback",
    "Dazzle", "Faceless Void", "Storm Spirit", "Ogre Magi", "Templar Assassin",
]
HERO_TO_ID = {h: i for i, h in enumerate(sorted(HEROES))}
STRONG = {"Invoker", "Faceless Void", "Tidehunter", "Dazzle", "Storm Spirit"}


def write_dump(path, n_matches=400):
    with open(path, "w") as f:
        for mid in range(n_matches):
            heroes = random.sample(HEROES, 10)
            picks = [{"hero": h, "team": "radiant" if i % 2 == 0 else "dire", "order": i}
                     for i, h in enumerate(heroes)]
            abandoned = random.random() < 0.06
            if abandoned:
                # parser stops emitting picks once a player disconnects in the draft
                picks = picks[: random.randint(3, 8)]
            r_score = sum(p["hero"] in STRONG for p in picks if p["team"] == "radiant")
            d_score = sum(p["hero"] in STRONG for p in picks if p["team"] == "dire")
            rec = {
                "match_id": 7_400_000_000 + mid,
                "patch": "7.36c",
                "avg_mmr": random.randint(2000, 6500),
                "leaver_status": int(abandoned),
                "picks": picks,
                "radiant_win": int(r_score + random.gauss(0, 0.8) > d_score),
            }
            f.write(json.dumps(rec) + "\n")


class DraftDataset(Dataset):
    def __init__(self, path, mmr_floor=2500):
        with open(path) as f:
            self.records = [json.loads(line) for line in f]
        self.records = [r for r in self.records if r["avg_mmr"] >= mmr_floor and r["leaver_status"] == 0]

    def __len__(self):
        return len(self.records)

    @staticmethod
    def _team_ids(picks, team):
        return [HERO_TO_ID[p["hero"]] for p in sorted(picks, key=lambda p: p["order"]) if p["team"] == team]

    def __getitem__(self, idx):
        rec = self.records[idx]
        radiant = self._team_ids(rec["picks"], "radiant")
        dire = self._team_ids(rec["picks"], "dire")
        if len(radiant) != 5 or len(dire) != 5:
            return None
        return {
            "radiant": torch.tensor(radiant, dtype=torch.long),
            "dire": torch.tensor(dire, dtype=torch.long),
            "mmr": torch.tensor(rec["avg_mmr"] / 10000.0, dtype=torch.float32),
            "label": torch.tensor(rec["radiant_win"], dtype=torch.float32),
        }


class DraftNet(nn.Module):
    def __init__(self, n_heroes, dim=24):
        super().__init__()
        self.hero_emb = nn.Embedding(n_heroes, dim)
        self.mlp = nn.Sequential(nn.Linear(2 * dim + 1, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, radiant, dire, mmr):
        r = self.hero_emb(radiant).sum(1)
        d = self.hero_emb(dire).sum(1)
        x = torch.cat([r - d, r * d, mmr.unsqueeze(-1)], dim=-1)
        return self.mlp(x).squeeze(-1)


def run_epoch(model, loader, opt=None):
    train = opt is not None
    model.train(train)
    loss_fn = nn.BCEWithLogitsLoss()
    tot, n, correct = 0.0, 0, 0
    for batch in loader:
        with torch.set_grad_enabled(train):
            logits = model(batch["radiant"], batch["dire"], batch["mmr"])
            loss = loss_fn(logits, batch["label"])
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        tot += loss.item() * len(logits)
        n += len(logits)
        correct += ((logits > 0).float() == batch["label"]).sum().item()
    return tot / n, correct / n


def main():
    write_dump(DUMP_PATH)
    ds = DraftDataset(DUMP_PATH)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(
        ds, [len(ds) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    model = DraftNet(len(HERO_TO_ID))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(5):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt)
        va_loss, va_acc = run_epoch(model, val_dl)
        print(f"epoch {epoch} train {tr_loss:.3f}/{tr_acc:.3f} val {va_loss:.3f}/{va_acc:.3f}")


if __name__ == "__main__":
    main()
