import math
import random
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

GRID = 1000
COORD_EMB = 24
TEXT_EMB = 48
HIDDEN = 64
NUM_CELL_TYPES = 5  # header, row_label, value, total, other
VOCAB = 300
PAGE_SIZES = [(612, 792), (595, 842), (1240, 1754), (2480, 3508)]


@dataclass
class OcrWord:
    token_id: int
    x0: float
    y0: float
    x1: float
    y1: float
    cell_type: int


@dataclass
class OcrPage:
    width: int
    height: int
    words: List[OcrWord] = field(default_factory=list)


def normalise_box(w: OcrWord, width: int, height: int):
    def clamp(v):
        return max(0, min(GRID, int(round(v))))
    return [
        clamp(GRID * w.x0 / width),
        clamp(GRID * w.y0 / height),
        clamp(GRID * w.x1 / width),
        clamp(GRID * w.y1 / height),
    ]


def synth_page(rng: random.Random) -> OcrPage:
    width, height = rng.choice(PAGE_SIZES)
    page = OcrPage(width, height)
    n_rows, n_cols = rng.randint(3, 8), rng.randint(2, 5)
    cell_w = width * 0.8 / n_cols
    cell_h = height * 0.5 / n_rows
    for r in range(n_rows):
        for c in range(n_cols):
            x0 = width * 0.1 + c * cell_w + rng.uniform(2, 8)
            y0 = height * 0.2 + r * cell_h + rng.uniform(2, 8)
            x1 = x0 + cell_w * rng.uniform(0.3, 0.9)
            y1 = y0 + cell_h * rng.uniform(0.4, 0.8)
            if r == 0:
                kind = 0
            elif c == 0:
                kind = 1
            elif r == n_rows - 1:
                kind = 3
            else:
                kind = rng.choice([2, 2, 2, 4])
            page.words.append(OcrWord(rng.randrange(1, VOCAB), x0, y0, x1, y1, kind))
    return page


class TablePages(Dataset):
    def __init__(self, n_pages, seed=0):
        rng = random.Random(seed)
        self.pages = [synth_page(rng) for _ in range(n_pages)]

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, idx):
        page = self.pages[idx]
        boxes = [normalise_box(w, page.width, page.height) for w in page.words]
        return {
            "token_ids": torch.tensor([w.token_id for w in page.words]),
            "boxes": torch.tensor(boxes, dtype=torch.long),
            "labels": torch.tensor([w.cell_type for w in page.words]),
        }


def collate_pages(items):
    max_len = max(len(it["token_ids"]) for it in items)
    bsz = len(items)
    token_ids = torch.zeros(bsz, max_len, dtype=torch.long)
    boxes = torch.zeros(bsz, max_len, 4, dtype=torch.long)
    labels = torch.full((bsz, max_len), -100, dtype=torch.long)
    mask = torch.zeros(bsz, max_len, dtype=torch.bool)
    for i, it in enumerate(items):
        n = len(it["token_ids"])
        token_ids[i, :n] = it["token_ids"]
        boxes[i, :n] = it["boxes"]
        labels[i, :n] = it["labels"]
        mask[i, :n] = True
    return {"token_ids": token_ids, "boxes": boxes, "labels": labels, "mask": mask}


class Layout2DEmbedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.x_emb = nn.Embedding(GRID + 1, COORD_EMB)
        self.y_emb = nn.Embedding(GRID + 1, COORD_EMB)
        self.w_emb = nn.Embedding(GRID + 1, COORD_EMB)
        self.h_emb = nn.Embedding(GRID + 1, COORD_EMB)

    def forward(self, boxes):
        x0, y0, x1, y1 = boxes.unbind(-1)
        parts = [
            self.x_emb(x0), self.y_emb(y0),
            self.x_emb(x1), self.y_emb(y1),
            self.w_emb((x1 - x0).clamp(0, GRID)),
            self.h_emb((y1 - y0).clamp(0, GRID)),
        ]
        return torch.cat(parts, dim=-1)


class CellTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, TEXT_EMB, padding_idx=0)
        self.layout = Layout2DEmbedding()
        layout_dim = 6 * COORD_EMB
        self.fuse = nn.Linear(TEXT_EMB + layout_dim, HIDDEN)
        enc_layer = nn.TransformerEncoderLayer(HIDDEN, nhead=4, dim_feedforward=128,
                                               dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, num_layers=2)
        self.head = nn.Linear(HIDDEN, NUM_CELL_TYPES)

    def forward(self, token_ids, boxes, mask):
        feats = torch.cat([self.tok(token_ids), self.layout(boxes)], dim=-1)
        h = torch.tanh(self.fuse(feats))
        h = self.encoder(h, src_key_padding_mask=~mask)
        return self.head(h)


def train(epochs=2):
    torch.manual_seed(0)
    loader = DataLoader(TablePages(48, seed=1), batch_size=8, shuffle=True,
                        collate_fn=collate_pages)
    model = CellTagger()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(epochs):
        total, steps = 0.0, 0
        for batch in loader:
            logits = model(batch["token_ids"], batch["boxes"], batch["mask"])
            loss = F.cross_entropy(logits.reshape(-1, NUM_CELL_TYPES),
                                   batch["labels"].reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
            steps += 1
        print(f"epoch {epoch}: loss {total / steps:.4f} ppl {math.exp(total / steps):.2f}")
    return model


if __name__ == "__main__":
    train()
