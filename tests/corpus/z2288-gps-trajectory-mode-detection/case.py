"""Travel-mode detection from GPS traces (Geolife-style), treating a trip as a
sentence of grid-cell tokens and fine-tuning a small BERT on it."""
import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
GRID_W, GRID_H = 16, 16
CELL_DEG = 0.002
ORIGIN = (39.90, 116.30)  # lat, lon of the south-west corner of the grid
MODES = ["walk", "bike", "bus", "car"]
MODE_SPEED_MS = {"walk": 1.4, "bike": 4.5, "bus": 8.0, "car": 12.0}
SAMPLE_EVERY_S = 5

TOKENIZER_KW = dict(padding="longest", truncation=True, max_length=512, return_tensors="pt")

model_cfg = BertConfig(
    vocab_size=5 + GRID_W * GRID_H,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    num_labels=len(MODES),
)


def write_cell_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    cells = [f"c{i}" for i in range(GRID_W * GRID_H)]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + cells) + "\n")
    return path


def simulate_trip(mode, rng):
    """Random heading walk at a mode-typical speed, sampled every 5 s."""
    n_fixes = rng.integers(60, 400)
    speed = MODE_SPEED_MS[mode] * rng.uniform(0.7, 1.3)
    heading = rng.uniform(0, 2 * np.pi)
    lat, lon = ORIGIN[0] + rng.uniform(0.005, 0.027), ORIGIN[1] + rng.uniform(0.005, 0.027)
    pts = []
    for _ in range(n_fixes):
        heading += rng.normal(0, 0.35)
        step_m = speed * SAMPLE_EVERY_S
        lat += np.cos(heading) * step_m / 111_000
        lon += np.sin(heading) * step_m / 85_000
        lat = float(np.clip(lat, ORIGIN[0], ORIGIN[0] + GRID_H * CELL_DEG - 1e-6))
        lon = float(np.clip(lon, ORIGIN[1], ORIGIN[1] + GRID_W * CELL_DEG - 1e-6))
        pts.append((lat, lon))
    return pts


def trip_to_cells(points):
    toks = []
    for lat, lon in points:
        row = int((lat - ORIGIN[0]) / CELL_DEG)
        col = int((lon - ORIGIN[1]) / CELL_DEG)
        toks.append(f"c{row * GRID_W + col}")
    return " ".join(toks)


def build_trips(n, rng):
    texts, labels = [], []
    for _ in range(n):
        mode_idx = int(rng.integers(len(MODES)))
        texts.append(trip_to_cells(simulate_trip(MODES[mode_idx], rng)))
        labels.append(mode_idx)
    return texts, labels


class TripCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, batch):
        texts = [b[0] for b in batch]
        enc = self.tokenizer(texts, **TOKENIZER_KW)
        enc["labels"] = torch.tensor([b[1] for b in batch])
        return enc


def main():
    rng = np.random.default_rng(SEED)
    vocab_path = write_cell_vocab(os.path.join(HERE, "cell_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    texts, labels = build_trips(64, rng)
    lengths = [len(t.split()) for t in texts]
    print(f"trips: {len(texts)}  fixes per trip: min={min(lengths)} max={max(lengths)}")

    loader = DataLoader(list(zip(texts, labels)), batch_size=8, shuffle=True,
                        collate_fn=TripCollator(tokenizer))

    model = BertForSequenceClassification(model_cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        total = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
