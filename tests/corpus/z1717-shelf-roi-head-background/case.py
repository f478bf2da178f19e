"""Second-stage ROI box head for retail shelf product detection.

Proposals come from a (frozen, here simulated) RPN; we sample positives/negatives
per image against the ground-truth facings, pool features with roi_align-like
bilinear crops, and train classification + box regression.
Label convention follows torchvision: 0 = background, products are 1..N.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

PRODUCT_CLASSES = ["cereal_box", "soda_can", "chips_bag", "detergent", "shampoo"]
IMG_SIZE = 256
FEAT_STRIDE = 8
POOL = 7
FG_IOU, BG_IOU = 0.5, 0.4
ROIS_PER_IMG, FG_FRACTION = 64, 0.25


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(dim=2)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def encode(ref, gt):
    rw, rh = ref[:, 2] - ref[:, 0], ref[:, 3] - ref[:, 1]
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    dx = ((gt[:, 0] + gw / 2) - (ref[:, 0] + rw / 2)) / rw
    dy = ((gt[:, 1] + gh / 2) - (ref[:, 1] + rh / 2)) / rh
    return torch.stack([dx, dy, torch.log(gw / rw), torch.log(gh / rh)], dim=1)


def pool_rois(feat, rois, batch_idx):
    """Bilinear crop of each ROI into a POOL x POOL grid (roi_align without sampling ratio)."""
    n = rois.shape[0]
    t = (torch.arange(POOL).float() + 0.5) / POOL
    x = rois[:, 0:1] + t[None] * (rois[:, 2:3] - rois[:, 0:1])
    y = rois[:, 1:2] + t[None] * (rois[:, 3:4] - rois[:, 1:2])
    gx = x / IMG_SIZE * 2 - 1
    gy = y / IMG_SIZE * 2 - 1
    grid = torch.stack([gx[:, None, :].expand(n, POOL, POOL), gy[:, :, None].expand(n, POOL, POOL)], dim=3)
    return F.grid_sample(feat[batch_idx], grid, align_corners=False)


class RoIBoxHead(nn.Module):
    def __init__(self, in_ch, num_classes, rep=128):
        super().__init__()
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(in_ch * POOL * POOL, rep), nn.ReLU(),
                                nn.Linear(rep, rep), nn.ReLU())
        self.cls_score = nn.Linear(rep, num_classes)
        self.bbox_pred = nn.Linear(rep, 4)

    def forward(self, x):
        h = self.fc(x)
        return self.cls_score(h), self.bbox_pred(h)


def make_shelf(n_items):
    x0 = torch.randint(0, IMG_SIZE - 60, (n_items,)).float()
    y0 = torch.randint(0, IMG_SIZE - 80, (n_items,)).float()
    w = torch.randint(24, 60, (n_items,)).float()
    h = torch.randint(30, 80, (n_items,)).float()
    boxes = torch.stack([x0, y0, x0 + w, y0 + h], dim=1)
    names = [PRODUCT_CLASSES[i % len(PRODUCT_CLASSES)] for i in torch.randperm(n_items).tolist()]
    labels = torch.tensor([PRODUCT_CLASSES.index(nm) + 1 for nm in names])
    return {"boxes": boxes, "labels": labels}


def jitter_proposals(gt_boxes, n_random=80):
    near = gt_boxes.repeat(6, 1) + torch.randn(gt_boxes.shape[0] * 6, 4) * 8
    xy = torch.rand(n_random, 2) * (IMG_SIZE - 40)
    wh = torch.rand(n_random, 2) * 60 + 16
    rand = torch.cat([xy, xy + wh], dim=1)
    props = torch.cat([near, rand, gt_boxes]).clamp(0, IMG_SIZE - 1)
    keep = (props[:, 2] - props[:, 0] > 4) & (props[:, 3] - props[:, 1] > 4)
    return props[keep]


def sample_rois(proposals, target):
    iou = box_iou(proposals, target["boxes"])
    best_iou, gt_idx = iou.max(dim=1)
    labels = target["labels"][gt_idx].clone()
    labels[best_iou < FG_IOU] = 0
    fg = torch.nonzero(best_iou >= FG_IOU).flatten()
    bg = torch.nonzero(best_iou < BG_IOU).flatten()
    n_fg = min(int(ROIS_PER_IMG * FG_FRACTION), fg.numel())
    fg = fg[torch.randperm(fg.numel())[:n_fg]]
    bg = bg[torch.randperm(bg.numel())[:ROIS_PER_IMG - n_fg]]
    keep = torch.cat([fg, bg])
    reg_t = encode(proposals[keep], target["boxes"][gt_idx[keep]])
    return proposals[keep], labels[keep], reg_t


def main():
    backbone = nn.Sequential(
        nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
        nn.Conv2d(64, 64, 3, 2, 1), nn.ReLU(),
    )
    num_classes = len(PRODUCT_CLASSES)
    head = RoIBoxHead(64, num_classes)
    opt = torch.optim.SGD(list(backbone.parameters()) + list(head.parameters()), lr=0.01, momentum=0.9)

    for step in range(2):
        images = torch.rand(2, 3, IMG_SIZE, IMG_SIZE)
        targets = [make_shelf(int(n)) for n in torch.randint(5, 12, (2,))]
        feat = backbone(images)

        rois, roi_labels, roi_reg, roi_img = [], [], [], []
        for i, tgt in enumerate(targets):
            r, l, t = sample_rois(jitter_proposals(tgt["boxes"]), tgt)
            rois.append(r); roi_labels.append(l); roi_reg.append(t)
            roi_img.append(torch.full((r.shape[0],), i, dtype=torch.long))
        rois, roi_labels = torch.cat(rois), torch.cat(roi_labels)
        roi_reg, roi_img = torch.cat(roi_reg), torch.cat(roi_img)

        cls_logits, box_deltas = head(pool_rois(feat, rois, roi_img))
        loss_cls = F.cross_entropy(cls_logits, roi_labels)
        pos = roi_labels > 0
        loss_box = F.smooth_l1_loss(box_deltas[pos], roi_reg[pos], beta=1 / 9, reduction="sum") / max(1, rois.shape[0])
        loss = loss_cls + loss_box
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: rois={rois.shape[0]} fg={int(pos.sum())} cls={loss_cls.item():.4f} box={loss_box.item():.4f}")


if __name__ == "__main__":
    main()
