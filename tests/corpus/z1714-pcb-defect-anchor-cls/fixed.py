"""Single-stage defect detector for PCB inspection images.

Defect types: short, open, spur, missing_hole. Anchors are matched to
ground-truth defects by IoU; unmatched anchors are background (0),
anchors in the IoU gray zone are ignored (-1).
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFECTS = ["short", "open", "spur", "missing_hole"]
N_CLS = len(DEFECTS) + 1
BOARD = 64
STRIDE = 8
ANCHOR_WH = [(8, 8), (16, 8), (8, 16)]
POS_IOU, NEG_IOU = 0.5, 0.3


def grid_anchors():
    g = BOARD // STRIDE
    out = []
    for row in range(g):
        for col in range(g):
            cx, cy = (col + 0.5) * STRIDE, (row + 0.5) * STRIDE
            for w, h in ANCHOR_WH:
                out.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    return torch.tensor(out)


def pairwise_iou(a, b):
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).prod(-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def encode(gt, anc):
    aw, ah = anc[:, 2] - anc[:, 0], anc[:, 3] - anc[:, 1]
    acx, acy = anc[:, 0] + aw / 2, anc[:, 1] + ah / 2
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    gcx, gcy = gt[:, 0] + gw / 2, gt[:, 1] + gh / 2
    return torch.stack([(gcx - acx) / aw, (gcy - acy) / ah, torch.log(gw / aw), torch.log(gh / ah)], -1)


def match(anchors, defect_boxes, defect_types):
    labels = torch.zeros(len(anchors), dtype=torch.long)
    reg_tgt = torch.zeros(len(anchors), 4)
    iou = pairwise_iou(anchors, defect_boxes)
    best_iou, best_gt = iou.max(dim=1)
    labels[(best_iou >= NEG_IOU) & (best_iou < POS_IOU)] = -1
    pos = best_iou >= POS_IOU
    pos[iou.argmax(dim=0)] = True
    best_gt[iou.argmax(dim=0)] = torch.arange(len(defect_boxes))
    labels[pos] = defect_types[best_gt[pos]] + 1
    reg_tgt[pos] = encode(defect_boxes[best_gt[pos]], anchors[pos])
    return labels, reg_tgt


def synth_board(rng):
    img = torch.full((3, BOARD, BOARD), 0.15)
    img[1] += 0.3
    boxes, types = [], []
    for _ in range(rng.randint(1, 4)):
        w, h = rng.choice([(8, 8), (14, 7), (7, 14), (10, 10)])
        x, y = rng.randint(0, BOARD - w), rng.randint(0, BOARD - h)
        t = rng.randrange(len(DEFECTS))
        img[t % 3, y:y + h, x:x + w] = 0.9
        boxes.append([x, y, x + w, y + h])
        types.append(t)
    return img, torch.tensor(boxes, dtype=torch.float32), torch.tensor(types)


class DefectNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 48, 3, 2, 1), nn.ReLU(),
        )
        k = len(ANCHOR_WH)
        self.cls_head = nn.Conv2d(48, k * N_CLS, 3, padding=1)
        self.box_head = nn.Conv2d(48, k * 4, 3, padding=1)

    def forward(self, x):
        feat = self.stem(x)
        bs = x.shape[0]
        cls = self.cls_head(feat).permute(0, 2, 3, 1).reshape(bs, -1, N_CLS)
        box = self.box_head(feat).permute(0, 2, 3, 1).reshape(bs, -1, 4)
        return cls, box


def detection_loss(cls_out, box_out, anchor_labels, anchor_regs):
    cls_loss = F.cross_entropy(cls_out.permute(0, 2, 1), anchor_labels, ignore_index=-1)
    pos = anchor_labels > 0
    box_loss = F.smooth_l1_loss(box_out[pos], anchor_regs[pos]) if pos.any() else box_out.sum() * 0
    return cls_loss, box_loss


def main():
    torch.manual_seed(3)
    rng = random.Random(3)
    anchors = grid_anchors()
    boards = [synth_board(rng) for _ in range(16)]
    net = DefectNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

    for step in range(20):
        picks = rng.sample(boards, 4)
        imgs = torch.stack([p[0] for p in picks])
        matched = [match(anchors, p[1], p[2]) for p in picks]
        anchor_labels = torch.stack([m[0] for m in matched])
        anchor_regs = torch.stack([m[1] for m in matched])

        cls_out, box_out = net(imgs)
        cls_loss, box_loss = detection_loss(cls_out, box_out, anchor_labels, anchor_regs)
        loss = cls_loss + box_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            n_pos = (anchor_labels > 0).sum().item()
            print(f"step {step:2d} cls {cls_loss.item():.3f} box {box_loss.item():.3f} pos_anchors {n_pos}")


if __name__ == "__main__":
    main()
