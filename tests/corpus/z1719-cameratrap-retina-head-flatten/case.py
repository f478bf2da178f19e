"""Single-stage (RetinaNet-like) detector for camera-trap animals.

Two pyramid levels, 9 anchors per location, sigmoid focal loss for classes and
smooth-L1 on encoded deltas for anchors matched to a ground-truth animal.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

SPECIES = ["red_deer", "wild_boar", "red_fox", "badger"]
IMG = 160
STRIDES = (8, 16)
SIZES = (32, 64)
RATIOS = (0.5, 1.0, 2.0)
SCALES = (1.0, 2 ** (1 / 3), 2 ** (2 / 3))
NUM_ANCHORS = len(RATIOS) * len(SCALES)


def grid_anchors(stride, size, fm):
    base = []
    for r in RATIOS:
        for s in SCALES:
            w = size * s / math.sqrt(r)
            h = size * s * math.sqrt(r)
            base.append([-w / 2, -h / 2, w / 2, h / 2])
    base = torch.tensor(base)
    c = (torch.arange(fm).float() + 0.5) * stride
    cy, cx = torch.meshgrid(c, c, indexing="ij")
    shifts = torch.stack([cx, cy, cx, cy], dim=-1).reshape(-1, 1, 4)
    return (shifts + base[None]).reshape(-1, 4)


def box_iou(a, b):
    area = lambda x: (x[:, 2] - x[:, 0]) * (x[:, 3] - x[:, 1])
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    return inter / (area(a)[:, None] + area(b)[None] - inter)


def encode(anc, gt):
    aw, ah = anc[:, 2] - anc[:, 0], anc[:, 3] - anc[:, 1]
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    return torch.stack([
        ((gt[:, 0] + gt[:, 2]) - (anc[:, 0] + anc[:, 2])) / 2 / aw,
        ((gt[:, 1] + gt[:, 3]) - (anc[:, 1] + anc[:, 3])) / 2 / ah,
        torch.log(gw / aw), torch.log(gh / ah)], dim=1)


class TrapDetector(nn.Module):
    def __init__(self, num_classes, ch=48):
        super().__init__()
        self.c3 = nn.Sequential(nn.Conv2d(3, ch, 3, 2, 1), nn.ReLU(), nn.Conv2d(ch, ch, 3, 2, 1), nn.ReLU(),
                                nn.Conv2d(ch, ch, 3, 2, 1), nn.ReLU())
        self.c4 = nn.Sequential(nn.Conv2d(ch, ch, 3, 2, 1), nn.ReLU())
        self.cls_tower = nn.Sequential(nn.Conv2d(ch, ch, 3, 1, 1), nn.ReLU())
        self.box_tower = nn.Sequential(nn.Conv2d(ch, ch, 3, 1, 1), nn.ReLU())
        self.cls_out = nn.Conv2d(ch, NUM_ANCHORS * num_classes, 3, 1, 1)
        self.box_out = nn.Conv2d(ch, NUM_ANCHORS * 4, 3, 1, 1)
        nn.init.constant_(self.cls_out.bias, -math.log(99))
        self.num_classes = num_classes

    def forward(self, x):
        p3 = self.c3(x)
        feats = [p3, self.c4(p3)]
        cls_all, box_all = [], []
        for f in feats:
            n = f.shape[0]
            cls = self.cls_out(self.cls_tower(f)).permute(0, 2, 3, 1)
            box = self.box_out(self.box_tower(f)).permute(0, 2, 3, 1)
            cls_all.append(cls.view(n, -1, self.num_classes))
            box_all.append(box.view(n, -1, 4))
        return torch.cat(cls_all, 1), torch.cat(box_all, 1)


def assign(anchors, target, pos_iou=0.5, neg_iou=0.4):
    iou = box_iou(anchors, target["boxes"])
    best, idx = iou.max(1)
    cls_t = torch.zeros(anchors.shape[0], len(SPECIES))
    pos = best >= pos_iou
    force = iou.argmax(0)
    pos[force] = True
    idx[force] = torch.arange(target["boxes"].shape[0])
    cls_t[pos, target["labels"][idx[pos]]] = 1.0
    valid = pos | (best < neg_iou)
    box_t = encode(anchors[pos], target["boxes"][idx[pos]])
    return cls_t, box_t, pos, valid


def random_targets(b):
    out = []
    for _ in range(b):
        k = int(torch.randint(1, 4, (1,)))
        xy = torch.rand(k, 2) * (IMG - 70)
        wh = torch.rand(k, 2) * 50 + 20
        out.append({"boxes": torch.cat([xy, xy + wh], 1), "labels": torch.randint(0, len(SPECIES), (k,))})
    return out


def main():
    anchors = torch.cat([grid_anchors(s, sz, IMG // s) for s, sz in zip(STRIDES, SIZES)])
    model = TrapDetector(len(SPECIES))
    opt = torch.optim.SGD(model.parameters(), lr=0.005, momentum=0.9)
    for step in range(3):
        frames = torch.rand(2, 3, IMG, IMG)
        targets = random_targets(2)
        cls_logits, box_deltas = model(frames)
        l_cls, l_box, n_pos = 0.0, 0.0, 0
        for i, tgt in enumerate(targets):
            cls_t, box_t, pos, valid = assign(anchors, tgt)
            p = cls_logits[i][valid]
            l_cls = l_cls + F.binary_cross_entropy_with_logits(p, cls_t[valid], reduction="sum")
            l_box = l_box + F.smooth_l1_loss(box_deltas[i][pos], box_t, beta=0.11, reduction="sum")
            n_pos += int(pos.sum())
        loss = (l_cls + l_box) / max(1, n_pos)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: anchors={anchors.shape[0]} pos={n_pos} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
