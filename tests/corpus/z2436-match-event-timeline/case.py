import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

EVENT_TYPES = [
    "kill", "death", "tower", "dragon", "baron", "ward_placed",
    "ward_killed", "gold_spike", "teamfight", "recall",
]
EVENT2ID = {e: i + 1 for i, e in enumerate(EVENT_TYPES)}  # 0 = pad
OBJECTIVES = {"tower", "dragon", "baron"}
NOISE_EVENTS = {"ward_placed", "ward_killed", "recall"}
LABELS = ["blue_takes_next", "red_takes_next", "no_objective"]


@dataclass
class TrainConfig:
    n_matches: int = 96
    horizon_s: float = 90.0
    emb_dim: int = 32
    hidden: int = 64
    batch_size: int = 16
    lr: float = 3e-3
    epochs: int = 2
    seed: int = 7


def simulate_match(rng, match_id):
    n_events = rng.randint(40, 90)
    t = 0.0
    events = []
    for _ in range(n_events):
        t += rng.expovariate(1 / 20.0)
        etype = rng.choices(EVENT_TYPES, weights=[8, 8, 2, 1, 0.5, 6, 3, 3, 2, 4])[0]
        events.append({"t": round(t, 1), "type": etype, "team": rng.randint(0, 1)})
    return {"match_id": f"EU-{match_id:05d}", "events": events, "winner": rng.randint(0, 1)}


def next_objective_labels(events, horizon_s):
    labels = []
    for i, ev in enumerate(events):
        lab = 2
        for nxt in events[i + 1:]:
            if nxt["t"] - ev["t"] > horizon_s:
                break
            if nxt["type"] in OBJECTIVES:
                lab = nxt["team"]
                break
        labels.append(lab)
    return labels


def build_records(raw_matches, cfg):
    records = []
    for m in raw_matches:
        events = [e for e in m["events"] if e["type"] not in NOISE_EVENTS]
        labels = next_objective_labels(m["events"], cfg.horizon_s)
        records.append({
            "match_id": m["match_id"],
            "event_ids": [EVENT2ID[e["type"]] for e in events],
            "teams": [e["team"] for e in events],
            "dt": np.diff([0.0] + [e["t"] for e in events]).tolist(),
            "labels": labels,
        })
    return records


class MatchEventDataset(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        r = self.records[idx]
        return {
            "event_ids": torch.tensor(r["event_ids"], dtype=torch.long),
            "teams": torch.tensor(r["teams"], dtype=torch.long),
            "dt": torch.tensor(r["dt"], dtype=torch.float32),
            "labels": torch.tensor(r["labels"], dtype=torch.long),
        }


def pad_1d(seqs, value):
    max_len = max(s.size(0) for s in seqs)
    out = seqs[0].new_full((len(seqs), max_len), value)
    for i, s in enumerate(seqs):
        out[i, : s.size(0)] = s
    return out


def collate_events(batch):
    return {
        "event_ids": pad_1d([b["event_ids"] for b in batch], 0),
        "teams": pad_1d([b["teams"] for b in batch], 0),
        "dt": pad_1d([b["dt"] for b in batch], 0.0),
        "labels": pad_1d([b["labels"] for b in batch], -100),
    }


class EventTagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.event_emb = nn.Embedding(len(EVENT_TYPES) + 1, cfg.emb_dim, padding_idx=0)
        self.team_emb = nn.Embedding(2, cfg.emb_dim)
        self.dt_proj = nn.Linear(1, cfg.emb_dim)
        self.gru = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True)
        self.out = nn.Linear(cfg.hidden, len(LABELS))

    def forward(self, event_ids, teams, dt):
        x = self.event_emb(event_ids) + self.team_emb(teams)
        x = x + self.dt_proj(torch.log1p(dt).unsqueeze(-1))
        h, _ = self.gru(x)
        return self.out(h)


def train(cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    raw = [simulate_match(rng, i) for i in range(cfg.n_matches)]
    records = build_records(raw, cfg)
    loader = DataLoader(MatchEventDataset(records), batch_size=cfg.batch_size,
                        shuffle=True, collate_fn=collate_events)

    model = EventTagger(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    for epoch in range(cfg.epochs):
        model.train()
        total, steps = 0.0, 0
        for batch in loader:
            logits = model(batch["event_ids"], batch["teams"], batch["dt"])
            loss = loss_fn(logits.reshape(-1, len(LABELS)), batch["labels"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch}: loss {total / steps:.4f}")


if __name__ == "__main__":
    train(TrainConfig())
