import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

SKU_CLASSES = ["background", "cereal_box", "soda_can", "detergent", "snack_bag", "water_bottle"]
POOL = 7
PROPOSALS_PER_IMAGE = 32


class ShelfBackbone(nn.Module):
    """Three stride-2 stages; stage outputs are kept so the ROI stage can pick a stride."""

    def __init__(self, widths=(32, 64, 128)):
        super().__init__()
        self.stage_channels = list(widths)
        layers, prev = [], 3
        for w in widths:
            layers.append(nn.Sequential(
                nn.Conv2d(prev, w, 3, stride=2, padding=1),
                nn.BatchNorm2d(w),
                nn.ReLU(inplace=True),
                nn.Conv2d(w, w, 3, padding=1),
                nn.ReLU(inplace=True),
            ))
            prev = w
        self.stages = nn.ModuleList(layers)

    def forward(self, x):
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs


def roi_crop_pool(feature, rois, spatial_scale, out_size):
    # rois: (K, 5) = (batch_idx, x1, y1, x2, y2) in image pixels
    pooled = []
    _, _, fh, fw = feature.shape
    for r in rois:
        b = int(r[0])
        x1 = max(int(math.floor(r[1].item() * spatial_scale)), 0)
        y1 = max(int(math.floor(r[2].item() * spatial_scale)), 0)
        x2 = min(int(math.ceil(r[3].item() * spatial_scale)), fw)
        y2 = min(int(math.ceil(r[4].item() * spatial_scale)), fh)
        x2, y2 = max(x2, x1 + 1), max(y2, y1 + 1)
        patch = feature[b:b + 1, :, y1:y2, x1:x2]
        pooled.append(F.adaptive_max_pool2d(patch, out_size))
    return torch.cat(pooled, dim=0)


class BoxHead(nn.Module):
    def __init__(self, in_channels, pool, num_classes, rep=256):
        super().__init__()
        self.fc6 = nn.Linear(in_channels * pool * pool, rep)
        self.fc7 = nn.Linear(rep, rep)
        self.cls_score = nn.Linear(rep, num_classes)
        self.bbox_pred = nn.Linear(rep, num_classes * 4)

    def forward(self, pooled):
        x = pooled.flatten(1)
        x = F.relu(self.fc6(x))
        x = F.relu(self.fc7(x))
        return self.cls_score(x), self.bbox_pred(x)


class ShelfDetector(nn.Module):
    # products on a shelf are small, so ROIs are pooled from the stride-4 map
    roi_level = 1

    def __init__(self, num_classes):
        super().__init__()
        self.backbone = ShelfBackbone()
        self.roi_stride = 2 ** (self.roi_level + 1)
        self.box_head = BoxHead(self.backbone.stage_channels[-1], POOL, num_classes)

    def forward(self, images, rois):
        feats = self.backbone(images)
        fmap = feats[self.roi_level]
        pooled = roi_crop_pool(fmap, rois, 1.0 / self.roi_stride, POOL)
        return self.box_head(pooled)


def make_proposals(gt_boxes_per_image, img_w, img_h, n):
    all_rois = []
    for b, gts in enumerate(gt_boxes_per_image):
        jitter = gts.repeat(n // len(gts) + 1, 1)[:n]
        wh = (jitter[:, 2:] - jitter[:, :2]).repeat(1, 2)
        jitter = jitter + (torch.rand_like(jitter) - 0.5) * 0.2 * wh
        jitter[:, 0::2] = jitter[:, 0::2].clamp(0, img_w - 1)
        jitter[:, 1::2] = jitter[:, 1::2].clamp(0, img_h - 1)
        idx = torch.full((n, 1), float(b))
        all_rois.append(torch.cat([idx, jitter], dim=1))
    return torch.cat(all_rois, dim=0)


def random_shelf_targets(batch, img_w, img_h):
    targets = []
    for _ in range(batch):
        k = int(torch.randint(2, 6, (1,)))
        xy = torch.rand(k, 2) * torch.tensor([img_w * 0.7, img_h * 0.7])
        wh = torch.rand(k, 2) * 40 + 16
        boxes = torch.cat([xy, xy + wh], dim=1)
        labels = torch.randint(1, len(SKU_CLASSES), (k,))
        targets.append({"boxes": boxes, "labels": labels})
    return targets


def main():
    img_h, img_w = 192, 256
    images = torch.randn(2, 3, img_h, img_w)
    targets = random_shelf_targets(images.shape[0], img_w, img_h)

    model = ShelfDetector(num_classes=len(SKU_CLASSES))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    rois = make_proposals([t["boxes"] for t in targets], img_w, img_h, PROPOSALS_PER_IMAGE)
    roi_labels = torch.cat([
        t["labels"].repeat(PROPOSALS_PER_IMAGE // len(t["labels"]) + 1)[:PROPOSALS_PER_IMAGE]
        for t in targets
    ])

    for step in range(1):
        cls_logits, box_deltas = model(images, rois)
        loss_cls = F.cross_entropy(cls_logits, roi_labels)
        per_cls = box_deltas.view(-1, len(SKU_CLASSES), 4)
        picked = per_cls[torch.arange(per_cls.shape[0]), roi_labels]
        loss_box = F.smooth_l1_loss(picked, torch.zeros_like(picked), beta=1.0 / 9)
        loss = loss_cls + loss_box
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: cls={loss_cls.item():.4f} box={loss_box.item():.4f}")


if __name__ == "__main__":
    main()
