import random

import torch
import torch.nn as nn

random.seed(11)
torch.manual_seed(11)

TILE = 800
OVERLAP = 160
LINE_BUCKET = 12
TOKENS = ["Name", "Date", "Total", "Amount", "Ref", "Page", "Qty", "Unit", "EUR", "Due",
          "Invoice", "Client", "Signed", "Stamp", "VAT", "Net"]


def render_page(page_w, page_h, n_lines):
    words = []
    for li in range(n_lines):
        y0 = 60 + li * (page_h - 120) // n_lines
        x = 50
        while x < page_w - 200:
            text = random.choice(TOKENS)
            w = 14 * len(text) + random.randint(0, 10)
            words.append({"text": text, "x0": x, "y0": y0, "x1": x + w, "y1": y0 + 22})
            x += w + random.randint(15, 60)
    return words


def tiles(page_w, page_h):
    step = TILE - OVERLAP
    for ty in range(0, max(1, page_h - OVERLAP), step):
        for tx in range(0, max(1, page_w - OVERLAP), step):
            yield tx, ty, min(page_w, tx + TILE), min(page_h, ty + TILE)


def run_tiled_ocr(words, page_w, page_h):
    detections = []
    for t_idx, (tx0, ty0, tx1, ty1) in enumerate(tiles(page_w, page_h)):
        for w in words:
            if w["x0"] >= tx0 and w["x1"] <= tx1 and w["y0"] >= ty0 and w["y1"] <= ty1:
                detections.append({
                    "text": w["text"],
                    "x0": w["x0"], "y0": w["y0"], "x1": w["x1"], "y1": w["y1"],
                    "conf": round(random.uniform(0.7, 0.99), 3),
                    "tile": t_idx,
                })
    return detections


def reading_order(dets):
    decorated = [(d["y0"] // LINE_BUCKET, d["x0"], d) for d in dets]
    decorated.sort()
    return [d for _, _, d in decorated]


def group_lines(ordered):
    lines, current, last_key = [], [], None
    for d in ordered:
        key = d["y0"] // LINE_BUCKET
        if last_key is not None and key != last_key:
            lines.append(current)
            current = []
        current.append(d)
        last_key = key
    if current:
        lines.append(current)
    return lines


def normalise(d, page_w, page_h):
    return [
        min(1000, 1000 * d["x0"] // page_w), min(1000, 1000 * d["y0"] // page_h),
        min(1000, 1000 * d["x1"] // page_w), min(1000, 1000 * d["y1"] // page_h),
    ]


class BoxEncoder(nn.Module):
    def __init__(self, n_tokens, dim=32):
        super().__init__()
        self.tok = nn.Embedding(n_tokens, dim)
        self.xe = nn.Embedding(1001, dim)
        self.ye = nn.Embedding(1001, dim)
        self.order = nn.Embedding(512, dim)
        self.kv_head = nn.Linear(dim, 3)

    def forward(self, ids, boxes):
        pos = torch.arange(ids.size(0))
        h = self.tok(ids) + self.order(pos)
        h = h + self.xe(boxes[:, 0]) + self.ye(boxes[:, 1]) + self.xe(boxes[:, 2]) + self.ye(boxes[:, 3])
        return self.kv_head(torch.tanh(h))


def main():
    stoi = {t: i for i, t in enumerate(TOKENS)}
    model = BoxEncoder(len(stoi))
    pages = [(1700, 2200), (2480, 3508), (1275, 1650)]
    for page_no, (pw, ph) in enumerate(pages):
        truth = render_page(pw, ph, n_lines=random.randint(10, 20))
        dets = run_tiled_ocr(truth, pw, ph)
        ordered = reading_order(dets)
        lines = group_lines(ordered)
        ids = torch.tensor([stoi[d["text"]] for d in ordered])
        boxes = torch.tensor([normalise(d, pw, ph) for d in ordered])
        with torch.no_grad():
            tags = model(ids, boxes).argmax(-1)
        n_keys = int((tags == 1).sum())
        print(f"page {page_no}: {len(truth)} words, {len(dets)} detections, "
              f"{len(lines)} lines, {n_keys} key candidates")


if __name__ == "__main__":
    main()
