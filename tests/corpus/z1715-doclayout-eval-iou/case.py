"""Quick recall/precision check for a page-layout region detector.

Pages are rendered synthetically (grey blocks for text, tables, figures);
the detector is a per-cell regressor on a stride-16 grid, and we keep the
top-k cells per page as region proposals before matching to ground truth.
"""
import random

import torch
import torch.nn as nn

REGION_TYPES = ["text", "title", "table", "figure"]
PAGE_H, PAGE_W = 128, 96
CELL = 16
TOPK_REGIONS = 8
MATCH_IOU = 0.5


def render_page(rng):
    page = torch.ones(1, PAGE_H, PAGE_W)
    regions, kinds = [], []
    y = 4
    while y < PAGE_H - 20 and len(regions) < 5:
        kind = rng.randrange(len(REGION_TYPES))
        h = {0: rng.randint(12, 28), 1: 8, 2: rng.randint(20, 36), 3: rng.randint(24, 40)}[kind]
        h = min(h, PAGE_H - 4 - y)
        x0, x1 = rng.randint(4, 12), PAGE_W - rng.randint(4, 12)
        page[:, y:y + h, x0:x1] = 0.3 + 0.15 * kind
        regions.append([x0, y, x1, y + h])
        kinds.append(kind)
        y += h + rng.randint(4, 10)
    return page, torch.tensor(regions, dtype=torch.float32), torch.tensor(kinds)


class LayoutGridNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 16, 3, 2, 1), nn.GELU(),
            nn.Conv2d(16, 32, 3, 2, 1), nn.GELU(),
            nn.Conv2d(32, 32, 3, 2, 1), nn.GELU(),
            nn.Conv2d(32, 64, 3, 2, 1), nn.GELU(),
        )
        self.objectness = nn.Conv2d(64, 1, 1)
        self.region_cls = nn.Conv2d(64, len(REGION_TYPES), 1)
        self.ltrb = nn.Conv2d(64, 4, 1)

    def forward(self, pages):
        f = self.enc(pages)
        return self.objectness(f), self.region_cls(f), self.ltrb(f).relu() * CELL * 2


def cells_to_regions(obj_logits, cls_logits, ltrb, k):
    b, _, gh, gw = obj_logits.shape
    ys, xs = torch.meshgrid(torch.arange(gh), torch.arange(gw), indexing="ij")
    cx = ((xs.float() + 0.5) * CELL).reshape(-1)
    cy = ((ys.float() + 0.5) * CELL).reshape(-1)
    out = []
    for i in range(b):
        score = obj_logits[i, 0].sigmoid().reshape(-1)
        dist = ltrb[i].reshape(4, -1)
        boxes = torch.stack([cx - dist[0], cy - dist[1], cx + dist[2], cy + dist[3]], dim=1)
        boxes[:, 0::2] = boxes[:, 0::2].clamp(0, PAGE_W)
        boxes[:, 1::2] = boxes[:, 1::2].clamp(0, PAGE_H)
        top = score.topk(min(k, score.numel())).indices
        kinds = cls_logits[i].reshape(len(REGION_TYPES), -1).argmax(0)
        out.append({"boxes": boxes[top], "scores": score[top], "kinds": kinds[top]})
    return out


def box_iou(a, b):
    lt = torch.max(a[:, :2], b[:, :2])
    rb = torch.min(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(dim=-1)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a + area_b - inter).clamp(min=1e-6)


def greedy_match(pred, gt_boxes, gt_kinds, thr):
    iou = box_iou(pred["boxes"], gt_boxes)
    taken = torch.zeros(len(gt_boxes), dtype=torch.bool)
    tp = 0
    for p in pred["scores"].argsort(descending=True).tolist():
        cand = iou[p].clone()
        cand[taken | (gt_kinds != pred["kinds"][p])] = -1
        g = int(cand.argmax())
        if cand[g] >= thr:
            taken[g] = True
            tp += 1
    return tp


def main():
    torch.manual_seed(11)
    rng = random.Random(11)
    pages = [render_page(rng) for _ in range(12)]
    model = LayoutGridNet().eval()

    batch = torch.stack([p[0] for p in pages])
    with torch.no_grad():
        obj, cls, ltrb = model(batch)
    predictions = cells_to_regions(obj, cls, ltrb, TOPK_REGIONS)

    total_tp = total_pred = total_gt = 0
    for pred, (_, gt_boxes, gt_kinds) in zip(predictions, pages):
        total_tp += greedy_match(pred, gt_boxes, gt_kinds, MATCH_IOU)
        total_pred += len(pred["boxes"])
        total_gt += len(gt_boxes)
    precision = total_tp / max(total_pred, 1)
    recall = total_tp / max(total_gt, 1)
    print(f"pages={len(pages)} regions={total_gt} precision={precision:.3f} recall={recall:.3f}")


if __name__ == "__main__":
    main()
