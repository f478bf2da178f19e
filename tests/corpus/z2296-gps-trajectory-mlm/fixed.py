import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForMaskedLM


@dataclass
class TrajConfig:
    lat_min: float = 30.60
    lat_max: float = 30.76
    lon_min: float = 104.00
    lon_max: float = 104.16
    grid_rows: int = 16
    grid_cols: int = 16
    n_special: int = 4
    max_len: int = 48
    hidden: int = 32
    mask_prob: float = 0.15
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7
    special_tokens: list = field(default_factory=lambda: ["[PAD]", "[MASK]", "[CLS]", "[SEP]"])


class GridTokenizer:
    """Maps raw GPS points to grid-cell tokens."""

    def __init__(self, cfg: TrajConfig):
        self.cfg = cfg
        self.specials = {tok: i for i, tok in enumerate(cfg.special_tokens)}
        self.offset = len(self.specials)
        self.pad_id = self.specials["[PAD]"]
        self.mask_id = self.specials["[MASK]"]
        self.cls_id = self.specials["[CLS]"]
        self.sep_id = self.specials["[SEP]"]

    def cell_of(self, lat, lon):
        c = self.cfg
        r = int((lat - c.lat_min) / (c.lat_max - c.lat_min) * c.grid_rows)
        q = int((lon - c.lon_min) / (c.lon_max - c.lon_min) * c.grid_cols)
        r = min(max(r, 0), c.grid_rows - 1)
        q = min(max(q, 0), c.grid_cols - 1)
        return r * c.grid_cols + q

    def encode(self, points):
        cells = []
        for lat, lon in points:
            cell = self.cell_of(lat, lon) + self.offset
            if not cells or cells[-1] != cell:
                cells.append(cell)
        cells = cells[: self.cfg.max_len - 2]
        return [self.cls_id] + cells + [self.sep_id]


def simulate_trips(cfg, n_trips, rng):
    trips = []
    for _ in range(n_trips):
        lat = rng.uniform(cfg.lat_min, cfg.lat_max)
        lon = rng.uniform(cfg.lon_min, cfg.lon_max)
        heading = rng.uniform(0, 2 * math.pi)
        pts = []
        for _ in range(rng.randint(20, 80)):
            heading += rng.gauss(0, 0.3)
            lat += 0.003 * math.sin(heading)
            lon += 0.003 * math.cos(heading)
            pts.append((lat, lon))
        trips.append(pts)
    return trips


class TrajectoryDataset(Dataset):
    def __init__(self, trips, tokenizer):
        self.seqs = [tokenizer.encode(t) for t in trips]
        self.seqs = [s for s in self.seqs if len(s) >= 5]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.seqs[idx]


def make_collate(tokenizer, mask_prob):
    def collate(batch):
        L = max(len(s) for s in batch)
        input_ids = torch.full((len(batch), L), tokenizer.pad_id, dtype=torch.long)
        attn = torch.zeros((len(batch), L), dtype=torch.long)
        for i, s in enumerate(batch):
            input_ids[i, : len(s)] = torch.tensor(s)
            attn[i, : len(s)] = 1
        labels = input_ids.clone()
        is_cell = input_ids >= tokenizer.offset
        chosen = (torch.rand(input_ids.shape) < mask_prob) & is_cell
        labels[~chosen] = -100
        input_ids[chosen] = tokenizer.mask_id
        return {"input_ids": input_ids, "attention_mask": attn, "labels": labels}

    return collate


def build_model(cfg):
    bert_cfg = BertConfig(
        vocab_size=cfg.grid_rows * cfg.grid_cols + cfg.n_special,
        hidden_size=cfg.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=cfg.max_len,
        pad_token_id=0,
    )
    return BertForMaskedLM(bert_cfg)


def main():
    cfg = TrajConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)

    tok = GridTokenizer(cfg)
    trips = simulate_trips(cfg, 240, rng)
    ds = TrajectoryDataset(trips, tok)
    dl = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                    collate_fn=make_collate(tok, cfg.mask_prob))

    model = build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    print(f"{len(ds)} trajectories, vocab {model.config.vocab_size}")

    for epoch in range(cfg.epochs):
        model.train()
        total, steps = 0.0, 0
        for batch in dl:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
            steps += 1
        print(f"epoch {epoch}: masked-cell loss {total / max(steps, 1):.4f}")


if __name__ == "__main__":
    main()
