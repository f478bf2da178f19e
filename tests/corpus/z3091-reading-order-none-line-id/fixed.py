import random
from collections import defaultdict

import torch
import torch.nn as nn

random.seed(5)
torch.manual_seed(5)

GRID = 1000
MIN_CONF = 0.6
LINE_TOL = 8
PAGE_SIZES = [(612, 792), (595, 842), (2480, 3508)]


def ocr_page(page_no):
    w, h = random.choice(PAGE_SIZES)
    words = []
    n_cols = random.choice([1, 2])
    col_w = w / n_cols
    for col in range(n_cols):
        y = h * 0.08
        for _ in range(random.randint(5, 9)):
            x = col * col_w + col_w * 0.05
            jitter = random.uniform(-0.002, 0.002) * h
            for _ in range(random.randint(3, 6)):
                ww = random.uniform(0.03, 0.08) * w
                words.append({
                    "text": f"t{random.randint(0, 199)}",
                    "bbox": [x, y + jitter, x + ww, y + jitter + 0.015 * h],
                    "conf": round(random.uniform(0.35, 0.99), 2),
                    "block": col,
                })
                x += ww + 0.008 * w
            y += 0.03 * h
    random.shuffle(words)
    return {"page": page_no, "width": w, "height": h, "words": words}


def normalise(page):
    sx, sy = GRID / page["width"], GRID / page["height"]
    for wd in page["words"]:
        x0, y0, x1, y1 = wd["bbox"]
        wd["nbox"] = [int(x0 * sx), int(y0 * sy), int(x1 * sx), int(y1 * sy)]
    return page


def assign_lines(page):
    by_block = defaultdict(list)
    for wd in page["words"]:
        wd["line"] = None
        by_block[wd["block"]].append(wd)
    for block, wds in by_block.items():
        wds.sort(key=lambda d: d["nbox"][1])
        line, last_y = -1, None
        for wd in wds:
            yc = (wd["nbox"][1] + wd["nbox"][3]) // 2
            if last_y is None or abs(yc - last_y) > LINE_TOL:
                line += 1
                last_y = yc
            wd["line"] = line
    return page


def reading_order(page):
    return sorted(page["words"], key=lambda d: (d["block"], d["line"], d["nbox"][0]))


class LayoutPositionEncoder(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.x = nn.Embedding(GRID + 1, dim)
        self.y = nn.Embedding(GRID + 1, dim)
        self.w = nn.Embedding(GRID + 1, dim)
        self.h = nn.Embedding(GRID + 1, dim)

    def forward(self, boxes):
        x0, y0, x1, y1 = boxes.unbind(-1)
        return self.x(x0) + self.y(y0) + self.x(x1) + self.y(y1) + self.w(x1 - x0) + self.h(y1 - y0)


def page_tensors(ordered):
    boxes = torch.tensor([wd["nbox"] for wd in ordered], dtype=torch.long).clamp(0, GRID)
    conf = torch.tensor([wd["conf"] for wd in ordered])
    order = torch.arange(len(ordered))
    return boxes, conf, order


def main():
    pages = [assign_lines(normalise(ocr_page(i))) for i in range(6)]
    enc = LayoutPositionEncoder()
    summary = []
    for page in pages:
        ordered = reading_order(page)
        boxes, conf, order = page_tensors(ordered)
        with torch.no_grad():
            pos = enc(boxes)
        n_lines = len({(wd["block"], wd["line"]) for wd in ordered})
        summary.append((page["page"], len(ordered), n_lines, round(float(conf.mean()), 3), tuple(pos.shape)))
        first = " ".join(wd["text"] for wd in ordered[:8])
        print(f"page {page['page']} ({page['width']}x{page['height']}): {first} ...")
    for row in summary:
        print("page=%d words=%d lines=%d mean_conf=%.3f pos=%s" % row)


if __name__ == "__main__":
    main()
