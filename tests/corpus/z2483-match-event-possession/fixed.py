"""
Possession outcome model from match event data.

A possession is a sequence of on-ball events (pass, carry, dribble, ...), each
with pitch coordinates (StatsBomb-style 120x80 pitch) and time since the previous
event. Target: did the possession end with a shot?
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

EVENT_TYPES = ["<pad>", "pass", "carry", "dribble", "cross", "clearance", "duel", "foul_won", "shot"]
EVENT2ID = {e: i for i, e in enumerate(EVENT_TYPES)}
PITCH_X, PITCH_Y = 120.0, 80.0

CFG = {
    "n_possessions": 400,
    "max_events": 25,
    "d_model": 48,
    "n_heads": 4,
    "n_layers": 2,
    "batch_size": 32,
    "lr": 1e-3,
    "epochs": 2,
    "seed": 21,
}


def simulate_possessions(n, rng):
    possessions = []
    for _ in range(n):
        length = int(rng.integers(2, CFG["max_events"]))
        x, y = rng.uniform(10, 60), rng.uniform(5, 75)
        types, cont = [], []
        for _ in range(length):
            ev = rng.choice(EVENT_TYPES[1:-1], p=[0.5, 0.25, 0.07, 0.06, 0.04, 0.05, 0.03])
            end_x = np.clip(x + rng.normal(6, 10), 0, PITCH_X)
            end_y = np.clip(y + rng.normal(0, 12), 0, PITCH_Y)
            dt = rng.exponential(3.0)
            types.append(EVENT2ID[ev])
            cont.append([x / PITCH_X, y / PITCH_Y, end_x / PITCH_X, end_y / PITCH_Y, np.log1p(dt)])
            x, y = end_x, end_y
        ended_in_shot = x > 100 and 20 < y < 60 and rng.random() < 0.8
        if ended_in_shot:
            types.append(EVENT2ID["shot"])
            cont.append([x / PITCH_X, y / PITCH_Y, 1.0, 0.5, np.log1p(rng.exponential(2.0))])
        possessions.append({
            "event_type": np.array(types, dtype=np.int64),
            "continuous": np.array(cont),
            "shot": float(ended_in_shot),
        })
    return possessions


class PossessionDataset(Dataset):
    def __init__(self, possessions):
        self.items = possessions

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        p = self.items[idx]
        # the shot event itself would leak the label
        keep = p["event_type"] != EVENT2ID["shot"]
        return p["event_type"][keep], p["continuous"][keep], p["shot"]


def collate_possessions(batch):
    lengths = [len(b[0]) for b in batch]
    max_len = max(lengths)
    n_cont = batch[0][1].shape[1]
    types = np.zeros((len(batch), max_len), dtype=np.int64)
    cont = np.zeros((len(batch), max_len, n_cont), dtype=np.float32)
    for i, (t, c, _) in enumerate(batch):
        types[i, : len(t)] = t
        cont[i, : len(c)] = c
    pad_mask = torch.arange(max_len)[None, :] >= torch.tensor(lengths)[:, None]
    return {
        "event_type": torch.from_numpy(types),
        "continuous": torch.from_numpy(cont),
        "pad_mask": pad_mask,
        "lengths": torch.tensor(lengths),
        "shot": torch.tensor([b[2] for b in batch], dtype=torch.float32),
    }


class PossessionEncoder(nn.Module):
    def __init__(self, n_event_types, n_cont, d_model, n_heads, n_layers, max_events):
        super().__init__()
        self.type_emb = nn.Embedding(n_event_types, d_model, padding_idx=0)
        self.cont_proj = nn.Linear(n_cont, d_model)
        self.pos_emb = nn.Embedding(max_events + 1, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.out = nn.Linear(d_model, 1)

    def forward(self, event_type, continuous, pad_mask):
        pos = torch.arange(event_type.size(1), device=event_type.device)
        h = self.type_emb(event_type) + self.cont_proj(continuous) + self.pos_emb(pos)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled).squeeze(-1)


def main():
    rng = np.random.default_rng(CFG["seed"])
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    possessions = simulate_possessions(CFG["n_possessions"], rng)
    split = int(0.8 * len(possessions))
    train_dl = DataLoader(PossessionDataset(possessions[:split]), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=collate_possessions)
    val_dl = DataLoader(PossessionDataset(possessions[split:]), batch_size=CFG["batch_size"],
                        collate_fn=collate_possessions)
    shot_rate = np.mean([p["shot"] for p in possessions])
    print(f"{len(possessions)} possessions, shot rate {shot_rate:.2%}")

    model = PossessionEncoder(len(EVENT_TYPES), 5, CFG["d_model"], CFG["n_heads"],
                              CFG["n_layers"], CFG["max_events"])
    pos_weight = torch.tensor([(1 - shot_rate) / max(shot_rate, 1e-3)])
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        for step, batch in enumerate(train_dl):
            logits = model(batch["event_type"], batch["continuous"], batch["pad_mask"])
            loss = criterion(logits, batch["shot"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        val_loss, n = 0.0, 0
        with torch.no_grad():
            for batch in val_dl:
                logits = model(batch["event_type"], batch["continuous"], batch["pad_mask"])
                val_loss += criterion(logits, batch["shot"]).item() * len(batch["shot"])
                n += len(batch["shot"])
        print(f"epoch {epoch}: last train loss {loss.item():.3f}  val loss {val_loss / n:.3f}")


if __name__ == "__main__":
    main()
