"""Live win-probability from the match event stream (kills, towers, roshan,
wards, buybacks...). Each match is a variable-length sequence of events up to
the cut-off minute; a transformer encoder reads it and a [CLS]-style summary
vector predicts whether radiant wins."""
import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

EVENT_TYPES = ["pad", "kill", "death_assist", "tower", "barracks", "roshan",
               "ward_placed", "ward_killed", "buyback", "teamfight", "aegis_pickup"]


@dataclass
class Config:
    n_event_types: int = len(EVENT_TYPES)
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    ff_dim: int = 64
    dropout: float = 0.1
    cutoff_minute: float = 20.0
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 3


def simulate_match(rng, cutoff):
    n = rng.randint(15, 90)
    times = sorted(rng.uniform(0, 45) for _ in range(n))
    events = []
    radiant_edge = 0.0
    for t in times:
        if t > cutoff:
            break
        etype = rng.randint(1, len(EVENT_TYPES) - 1)
        side = rng.randint(0, 1)
        value = rng.gauss(300, 150) if etype in (1, 3, 4, 5) else rng.gauss(50, 30)
        radiant_edge += value if side == 0 else -value
        events.append((etype, side, t, value))
    won = int(radiant_edge + rng.gauss(0, 800) > 0)
    return events, won


class MatchEventDataset(Dataset):
    def __init__(self, n_matches, cfg):
        rng = random.Random(cfg.seed)
        self.matches = [simulate_match(rng, cfg.cutoff_minute) for _ in range(n_matches)]
        self.matches = [m for m in self.matches if len(m[0]) > 0]

    def __len__(self):
        return len(self.matches)

    def __getitem__(self, i):
        events, won = self.matches[i]
        etype = torch.tensor([e[0] for e in events], dtype=torch.long)
        side = torch.tensor([e[1] for e in events], dtype=torch.long)
        num = torch.tensor([[e[2] / 60.0, e[3] / 1000.0] for e in events], dtype=torch.float32)
        return etype, side, num, torch.tensor(float(won))


def collate_events(batch):
    etype, side, num, won = zip(*batch)
    lengths = torch.tensor([len(e) for e in etype])
    etype = pad_sequence(etype, batch_first=True, padding_value=0)
    side = pad_sequence(side, batch_first=True, padding_value=0)
    num = pad_sequence(num, batch_first=True, padding_value=0.0)
    pad_mask = torch.arange(etype.size(1))[None, :] >= lengths[:, None]
    return {"etype": etype, "side": side, "num": num, "pad_mask": pad_mask,
            "won": torch.stack(won)}


class EventWinProbModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.type_emb = nn.Embedding(cfg.n_event_types, d, padding_idx=0)
        self.side_emb = nn.Embedding(2, d)
        self.num_proj = nn.Linear(2, d)
        self.cls = nn.Parameter(torch.randn(1, 1, d) / math.sqrt(d))
        layer = nn.TransformerEncoderLayer(d, cfg.n_heads, cfg.ff_dim, cfg.dropout,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 1))

    def forward(self, etype, side, num, pad_mask):
        x = self.type_emb(etype) + self.side_emb(side) + self.num_proj(num)
        cls = self.cls.expand(x.size(0), -1, -1)
        x = torch.cat([cls, x], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0]).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    loss_fn = nn.BCEWithLogitsLoss()
    tot, n = 0.0, 0
    with torch.set_grad_enabled(training):
        for b in loader:
            logits = model(b["etype"], b["side"], b["num"], b["pad_mask"])
            loss = loss_fn(logits, b["won"])
            if training:
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            tot += loss.item() * len(b["won"])
            n += len(b["won"])
    return tot / n


def main():
    cfg = Config()
    torch.manual_seed(cfg.seed)
    ds = MatchEventDataset(800, cfg)
    n_val = len(ds) // 5
    train_ds, val_ds = torch.utils.data.random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True,
                          collate_fn=collate_events)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, collate_fn=collate_events)
    model = EventWinProbModel(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch}: train_bce={tr:.4f} val_bce={va:.4f}")


if __name__ == "__main__":
    main()
