"""Evaluate a small anchor-based animal detector on camera-trap crops.

Single feature map, 3 anchors per cell, 4 species + background.
Post-processing: softmax scores, delta decoding, per-class greedy NMS.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SPECIES = ["deer", "boar", "fox", "badger"]
NUM_CLASSES = len(SPECIES) + 1          # + background at index 0
IMG = 48
STRIDE = 16
ANCHOR_SIZES = (24.0, 40.0, 64.0)
EVAL_BATCH = 8
SCORE_THR = 0.05
NMS_IOU = 0.5
MAX_DETS = 20


def make_anchors(img_size, stride, sizes):
    n = img_size // stride
    centers = (torch.arange(n, dtype=torch.float32) + 0.5) * stride
    cy, cx = torch.meshgrid(centers, centers, indexing="ij")
    cx, cy = cx.reshape(-1, 1), cy.reshape(-1, 1)
    anchors = []
    for s in sizes:
        anchors.append(torch.cat([cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2], dim=1))
    return torch.stack(anchors, dim=1).reshape(-1, 4)     # (H*W*A, 4)


def decode(deltas, anchors):
    wa = anchors[:, 2] - anchors[:, 0]
    ha = anchors[:, 3] - anchors[:, 1]
    xa = anchors[:, 0] + 0.5 * wa
    ya = anchors[:, 1] + 0.5 * ha
    dx, dy, dw, dh = deltas.unbind(-1)
    x = xa + dx * wa
    y = ya + dy * ha
    w = wa * dw.clamp(max=4.0).exp()
    h = ha * dh.clamp(max=4.0).exp()
    return torch.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], dim=-1).clamp(0, IMG)


def box_iou_one_to_many(box, others):
    lt = torch.maximum(box[:2], others[:, :2])
    rb = torch.minimum(box[2:], others[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(dim=1)
    area = (box[2:] - box[:2]).prod()
    areas = (others[:, 2:] - others[:, :2]).prod(dim=1)
    return inter / (area + areas - inter + 1e-6)


def greedy_nms(boxes, scores, iou_thr):
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        best = order[0]
        keep.append(best.item())
        if order.numel() == 1:
            break
        ious = box_iou_one_to_many(boxes[best], boxes[order[1:]])
        order = order[1:][ious <= iou_thr]
    return torch.tensor(keep, dtype=torch.long)


class TrapDetector(nn.Module):
    def __init__(self, num_anchors, num_classes):
        super().__init__()
        self.num_anchors, self.num_classes = num_anchors, num_classes
        chans = [3, 16, 32, 48, 64]
        self.body = nn.Sequential(*[
            nn.Sequential(nn.Conv2d(a, b, 3, stride=2, padding=1), nn.ReLU()) for a, b in zip(chans, chans[1:])
        ])
        self.cls_conv = nn.Conv2d(64, num_anchors * num_classes, 3, padding=1)
        self.reg_conv = nn.Conv2d(64, num_anchors * 4, 3, padding=1)

    def forward(self, x):
        f = self.body(x)
        n = x.shape[0]
        cls = self.cls_conv(f).permute(0, 2, 3, 1).reshape(n, -1, self.num_classes)
        reg = self.reg_conv(f).permute(0, 2, 3, 1).reshape(n, -1, 4)
        return cls, reg


def postprocess(cls_logits, box_deltas, anchors, num_images):
    probs = F.softmax(cls_logits, dim=-1)
    results = []
    for img_idx in range(num_images):
        boxes = decode(box_deltas[img_idx], anchors)
        img_dets = []
        for c in range(1, NUM_CLASSES):
            sc = probs[img_idx, :, c]
            cand = sc > SCORE_THR
            if cand.sum() == 0:
                continue
            kept = greedy_nms(boxes[cand], sc[cand], NMS_IOU)
            for k in kept.tolist():
                img_dets.append((c, sc[cand][k].item(), boxes[cand][k]))
        img_dets.sort(key=lambda d: -d[1])
        results.append(img_dets[:MAX_DETS])
    return results


def main():
    torch.manual_seed(7)
    trap_images = torch.rand(30, 3, IMG, IMG)
    loader = DataLoader(TensorDataset(trap_images), batch_size=EVAL_BATCH, shuffle=False)
    anchors = make_anchors(IMG, STRIDE, ANCHOR_SIZES)
    model = TrapDetector(len(ANCHOR_SIZES), NUM_CLASSES).eval()

    species_counts = {name: 0 for name in SPECIES}
    n_frames = 0
    with torch.no_grad():
        for (batch_imgs,) in loader:
            cls_logits, box_deltas = model(batch_imgs)
            dets_per_img = postprocess(cls_logits, box_deltas, anchors, batch_imgs.shape[0])
            for dets in dets_per_img:
                n_frames += 1
                for c, score, _ in dets:
                    if score > 0.3:
                        species_counts[SPECIES[c - 1]] += 1
    print(f"processed {n_frames} frames")
    for name, cnt in species_counts.items():
        print(f"  {name:7s} {cnt}")


if __name__ == "__main__":
    main()
