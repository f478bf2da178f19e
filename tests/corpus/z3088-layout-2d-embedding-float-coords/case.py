import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
random.seed(7)

GRID = 1000
PAGE_SIZES = {"letter": (612, 792), "a4": (595, 842), "scan300": (2550, 3300)}
FIELD_TAGS = ["O", "B-KEY", "I-KEY", "B-VALUE", "I-VALUE", "B-HEADER", "I-HEADER"]
VOCAB = ["[PAD]", "[UNK]"] + [f"w{i}" for i in range(300)]


@dataclass
class Word:
    text: str
    box: tuple
    tag: str = "O"


@dataclass
class FormPage:
    page_id: str
    width: float
    height: float
    words: list = field(default_factory=list)


def synth_page(idx):
    kind = random.choice(list(PAGE_SIZES))
    w, h = PAGE_SIZES[kind]
    page = FormPage(page_id=f"{kind}-{idx:03d}", width=w, height=h)
    y = h * 0.05
    while y < h * 0.9 and len(page.words) < 40:
        x = w * 0.06
        for j in range(random.randint(2, 5)):
            ww = random.uniform(0.04, 0.12) * w
            hh = random.uniform(0.012, 0.02) * h
            tag = random.choice(FIELD_TAGS)
            page.words.append(Word(random.choice(VOCAB[2:]), (x, y, x + ww, y + hh), tag))
            x += ww + 0.01 * w
        y += random.uniform(0.025, 0.05) * h
    return page


def normalize_boxes(page):
    boxes = torch.tensor([wd.box for wd in page.words], dtype=torch.float32)
    scale = torch.tensor([page.width, page.height, page.width, page.height])
    boxes = boxes / scale * GRID
    return boxes.clamp(0, GRID)


class Spatial2DEmbedding(nn.Module):
    def __init__(self, dim, max_coord=GRID + 1):
        super().__init__()
        self.x_emb = nn.Embedding(max_coord, dim)
        self.y_emb = nn.Embedding(max_coord, dim)
        self.w_emb = nn.Embedding(max_coord, dim)
        self.h_emb = nn.Embedding(max_coord, dim)

    def forward(self, bbox):
        x0, y0, x1, y1 = bbox.unbind(-1)
        return (
            self.x_emb(x0) + self.y_emb(y0) + self.x_emb(x1) + self.y_emb(y1)
            + self.w_emb((x1 - x0).clamp(0, GRID)) + self.h_emb((y1 - y0).clamp(0, GRID))
        )


class FieldTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=48):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos2d = Spatial2DEmbedding(dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_tags)

    def forward(self, ids, bbox, pad_mask):
        h = self.tok(ids) + self.pos2d(bbox)
        h = self.encoder(h, src_key_padding_mask=~pad_mask)
        return self.head(h)


def to_features(page, stoi, tag2id):
    ids = torch.tensor([stoi.get(wd.text, 1) for wd in page.words])
    tags = torch.tensor([tag2id[wd.tag] for wd in page.words])
    return {"ids": ids, "bbox": normalize_boxes(page), "tags": tags}


def pad_batch(feats):
    n = max(f["ids"].size(0) for f in feats)
    out = {
        "ids": torch.zeros(len(feats), n, dtype=torch.long),
        "bbox": torch.zeros(len(feats), n, 4, dtype=feats[0]["bbox"].dtype),
        "tags": torch.full((len(feats), n), -100, dtype=torch.long),
        "mask": torch.zeros(len(feats), n, dtype=torch.bool),
    }
    for i, f in enumerate(feats):
        k = f["ids"].size(0)
        out["ids"][i, :k] = f["ids"]
        out["bbox"][i, :k] = f["bbox"]
        out["tags"][i, :k] = f["tags"]
        out["mask"][i, :k] = True
    return out


def batches(pages, size, stoi, tag2id):
    for start in range(0, len(pages), size):
        yield pad_batch([to_features(p, stoi, tag2id) for p in pages[start:start + size]])


def main():
    stoi = {w: i for i, w in enumerate(VOCAB)}
    tag2id = {t: i for i, t in enumerate(FIELD_TAGS)}
    pages = [synth_page(i) for i in range(24)]
    print(f"{len(pages)} pages, {sum(len(p.words) for p in pages)} words")

    model = FieldTagger(len(VOCAB), len(FIELD_TAGS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(2):
        model.train()
        total = 0.0
        for step, batch in enumerate(batches(pages, 4, stoi, tag2id)):
            logits = model(batch["ids"], batch["bbox"], batch["mask"])
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["tags"].reshape(-1),
                                   ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
