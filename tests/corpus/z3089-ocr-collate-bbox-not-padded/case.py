import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

GRID = 1000
CELL_LABELS = {"none": 0, "header": 1, "row_label": 2, "value": 3, "total": 4}
PAD_KEYS = ("input_ids", "cell_label", "attention_mask")
PAD_VALUES = {"input_ids": 0, "cell_label": -100, "attention_mask": 0, "bbox": 0}


def make_table_page(n_rows, n_cols, page_w, page_h):
    words = []
    top, left = page_h * 0.2, page_w * 0.08
    row_h, col_w = page_h * 0.03, page_w * 0.8 / n_cols
    for r in range(n_rows):
        for c in range(n_cols):
            x0 = left + c * col_w + rng.uniform(0, col_w * 0.1)
            y0 = top + r * row_h
            x1 = x0 + rng.uniform(0.3, 0.8) * col_w
            y1 = y0 + row_h * 0.7
            if r == 0:
                label = "header"
            elif c == 0:
                label = "row_label"
            elif r == n_rows - 1:
                label = "total"
            else:
                label = "value"
            words.append({"token": int(rng.integers(5, 500)), "box": [x0, y0, x1, y1], "label": label})
    return {"width": page_w, "height": page_h, "words": words}


def to_grid(box, w, h):
    x0, y0, x1, y1 = box
    return [int(GRID * x0 / w), int(GRID * y0 / h), int(GRID * x1 / w), int(GRID * y1 / h)]


class TablePages(Dataset):
    def __init__(self, pages):
        self.pages = pages

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, i):
        pg = self.pages[i]
        ws = sorted(pg["words"], key=lambda d: (round(d["box"][1]), d["box"][0]))
        return {
            "input_ids": torch.tensor([d["token"] for d in ws], dtype=torch.long),
            "bbox": torch.tensor([to_grid(d["box"], pg["width"], pg["height"]) for d in ws], dtype=torch.long),
            "cell_label": torch.tensor([CELL_LABELS[d["label"]] for d in ws], dtype=torch.long),
            "attention_mask": torch.ones(len(ws), dtype=torch.long),
        }


def collate_pages(items):
    batch = {}
    for key in items[0]:
        seqs = [it[key] for it in items]
        if key in PAD_KEYS:
            batch[key] = pad_sequence(seqs, batch_first=True, padding_value=PAD_VALUES[key])
        else:
            batch[key] = torch.stack(seqs)
    return batch


class CellClassifier(nn.Module):
    def __init__(self, vocab=512, dim=32, n_labels=len(CELL_LABELS)):
        super().__init__()
        self.word = nn.Embedding(vocab, dim)
        self.x = nn.Embedding(GRID + 1, dim)
        self.y = nn.Embedding(GRID + 1, dim)
        enc = nn.TransformerEncoderLayer(dim, 2, 64, batch_first=True)
        self.enc = nn.TransformerEncoder(enc, 1)
        self.cls = nn.Linear(dim, n_labels)

    def forward(self, input_ids, bbox, attention_mask):
        h = self.word(input_ids)
        h = h + self.x(bbox[..., 0]) + self.y(bbox[..., 1]) + self.x(bbox[..., 2]) + self.y(bbox[..., 3])
        h = self.enc(h, src_key_padding_mask=attention_mask == 0)
        return self.cls(h)


def build_pages(n):
    sizes = [(612, 792), (595, 842), (1700, 2200)]
    out = []
    for _ in range(n):
        w, h = sizes[rng.integers(len(sizes))]
        out.append(make_table_page(int(rng.integers(4, 10)), int(rng.integers(3, 6)), w, h))
    return out


def train():
    loader = DataLoader(TablePages(build_pages(32)), batch_size=8, shuffle=True, collate_fn=collate_pages)
    model = CellClassifier()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for epoch in range(3):
        running = []
        for batch in loader:
            logits = model(batch["input_ids"], batch["bbox"], batch["attention_mask"])
            loss = loss_fn(logits.flatten(0, 1), batch["cell_label"].flatten())
            optim.zero_grad()
            loss.backward()
            optim.step()
            running.append(loss.item())
        print(f"epoch {epoch}: loss={np.mean(running):.4f}")


if __name__ == "__main__":
    train()
