from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(1234)
torch.manual_seed(1234)

GRID = 1000
FIELD_TAGS = ["other", "field_name", "field_value", "table_cell"]
SPECIALS = ["<pad>", "<unk>"]
PAD_ID, UNK_ID = 0, 1

FORM_LEXICON = [
    "name", "surname", "dob", "address", "city", "zip", "phone", "email", "signature",
    "qty", "price", "item", "total", "vat", "john", "smith", "berlin", "paris", "widget",
    "bolt", "nut", "42", "7", "19.99", "3.50", "2024-01-05",
]


@dataclass
class FormPage:
    width: float
    height: float
    words: list = field(default_factory=list)


def make_form(n_words):
    width, height = [(612.0, 792.0), (842.0, 595.0), (1654.0, 2339.0)][rng.integers(0, 3)]
    page = FormPage(width, height)
    for _ in range(n_words):
        x0 = float(rng.uniform(0, width * 0.9))
        y0 = float(rng.uniform(0, height * 0.95))
        w = float(rng.uniform(width * 0.02, width * 0.1))
        h = float(rng.uniform(height * 0.01, height * 0.03))
        page.words.append({
            "text": FORM_LEXICON[rng.integers(0, len(FORM_LEXICON))],
            "x0": x0, "y0": y0, "x1": min(width, x0 + w), "y1": min(height, y0 + h),
            "tag": FIELD_TAGS[rng.integers(0, len(FIELD_TAGS))],
        })
    return page


def to_grid(word, page):
    sx, sy = GRID / page.width, GRID / page.height
    x0, y0 = int(word["x0"] * sx), int(word["y0"] * sy)
    x1, y1 = int(word["x1"] * sx), int(word["y1"] * sy)
    return [x0, y0, x1, y1, x1 - x0, y1 - y0]


class FormDataset(Dataset):
    def __init__(self, pages, stoi):
        self.pages = pages
        self.stoi = stoi

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, idx):
        page = self.pages[idx]
        ids = [self.stoi.get(w["text"].lower(), UNK_ID) for w in page.words]
        geo = [to_grid(w, page) for w in page.words]
        tags = [FIELD_TAGS.index(w["tag"]) for w in page.words]
        return torch.tensor(ids), torch.tensor(geo), torch.tensor(tags)


def pad_collate(items):
    longest = max(len(ids) for ids, _, _ in items)
    B = len(items)
    ids_b = torch.full((B, longest), PAD_ID, dtype=torch.long)
    geo_b = torch.zeros((B, longest, 6), dtype=torch.long)
    tag_b = torch.full((B, longest), -100, dtype=torch.long)
    for i, (ids, geo, tags) in enumerate(items):
        n = len(ids)
        ids_b[i, :n], geo_b[i, :n], tag_b[i, :n] = ids, geo, tags
    return {"ids": ids_b, "geo": geo_b, "tags": tag_b, "pad": ids_b.eq(PAD_ID)}


class LayoutTagger(nn.Module):
    def __init__(self, vocab_size, dim=48, n_tags=len(FIELD_TAGS)):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
        self.x_emb = nn.Embedding(GRID + 1, dim)
        self.y_emb = nn.Embedding(GRID + 1, dim)
        self.w_emb = nn.Embedding(GRID + 1, dim)
        self.h_emb = nn.Embedding(GRID + 1, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(dim, n_tags)

    def forward(self, ids, geo, pad):
        x0, y0, x1, y1, w, h = geo.unbind(-1)
        hidden = (
            self.tok(ids)
            + self.x_emb(x0) + self.x_emb(x1)
            + self.y_emb(y0) + self.y_emb(y1)
            + self.w_emb(w) + self.h_emb(h)
        )
        hidden = self.encoder(hidden, src_key_padding_mask=pad)
        return self.head(hidden)


def build_vocab(pages, min_freq=1):
    counts = Counter(w["text"].lower() for p in pages for w in p.words)
    kept = sorted(t for t, c in counts.items() if c >= min_freq)
    stoi = {tok: i + len(SPECIALS) for i, tok in enumerate(kept)}
    return stoi


train_pages = [make_form(int(rng.integers(15, 40))) for _ in range(24)]
stoi = build_vocab(train_pages)
vocab_size = len(stoi)
print(f"vocab: {vocab_size} tokens")

loader = DataLoader(FormDataset(train_pages, stoi), batch_size=6, shuffle=True, collate_fn=pad_collate)
model = LayoutTagger(vocab_size)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(3):
    running = 0.0
    for batch in loader:
        logits = model(batch["ids"], batch["geo"], batch["pad"])
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch["tags"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch} loss {running / len(loader):.4f}")
