import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

SPECIES = ["deer", "boar", "fox", "badger", "hare"]
ANCHOR_SIZES = (24.0, 48.0)
ANCHOR_RATIOS = (0.5, 1.0, 2.0)
STRIDE = 8


def make_anchors(feat_h, feat_w):
    base = []
    for s in ANCHOR_SIZES:
        for r in ANCHOR_RATIOS:
            w, h = s / r ** 0.5, s * r ** 0.5
            base.append([-w / 2, -h / 2, w / 2, h / 2])
    base = torch.tensor(base)
    ys, xs = torch.meshgrid(torch.arange(feat_h), torch.arange(feat_w), indexing="ij")
    centers = torch.stack([xs, ys, xs, ys], -1).reshape(-1, 1, 4).float() * STRIDE + STRIDE / 2
    return (centers + base[None]).reshape(-1, 4)


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    return inter / (area_a[:, None] + area_b[None] - inter)


def encode(anchors, gt):
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ax, ay = anchors[:, 0] + aw / 2, anchors[:, 1] + ah / 2
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    gx, gy = gt[:, 0] + gw / 2, gt[:, 1] + gh / 2
    return torch.stack([(gx - ax) / aw, (gy - ay) / ah, torch.log(gw / aw), torch.log(gh / ah)], -1)


class TrapNet(nn.Module):
    def __init__(self, n_species, n_anchors):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, 2, 1), nn.ReLU(),
        )
        self.cls_tower = nn.Conv2d(64, n_anchors * n_species, 3, padding=1)
        self.reg_tower = nn.Conv2d(64, n_anchors * 4, 3, padding=1)
        nn.init.constant_(self.cls_tower.bias, -4.6)
        self.n_species = n_species

    def forward(self, x):
        f = self.body(x)
        B = x.shape[0]
        cls = self.cls_tower(f).permute(0, 2, 3, 1).reshape(B, -1, self.n_species)
        reg = self.reg_tower(f).permute(0, 2, 3, 1).reshape(B, -1, 4)
        return cls, reg, f.shape[-2:]


def assign(anchors, animals, fg_iou=0.5, bg_iou=0.4):
    """Returns per-anchor species index (0 = background, -1 = ignore) and matched boxes."""
    if animals["boxes"].numel() == 0:
        return torch.zeros(len(anchors), dtype=torch.long), torch.zeros_like(anchors)
    iou = box_iou(anchors, animals["boxes"])
    best_iou, best_gt = iou.max(1)
    species = animals["labels"][best_gt] + 1
    species[best_iou < fg_iou] = -1
    species[best_iou < bg_iou] = 0
    species[iou.argmax(0)] = animals["labels"] + 1
    return species, animals["boxes"][best_gt]


def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    a_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (a_t * (1 - p_t) ** gamma * ce).sum()


def detection_loss(cls_out, reg_out, anchors, batch_animals):
    cls_losses, reg_losses = [], []
    for b, animals in enumerate(batch_animals):
        species, matched = assign(anchors, animals)
        valid = species >= 0
        fg = species > 0
        num_fg = max(int(fg.sum()), 1)
        onehot = F.one_hot(species[valid], num_classes=len(SPECIES) + 1)[:, 1:]
        cls_losses.append(sigmoid_focal_loss(cls_out[b][valid], onehot) / num_fg)
        if fg.any():
            deltas = encode(anchors[fg], matched[fg])
            reg_losses.append(F.smooth_l1_loss(reg_out[b][fg], deltas, beta=0.11, reduction="sum") / num_fg)
    reg = torch.stack(reg_losses).mean() if reg_losses else reg_out.sum() * 0
    return torch.stack(cls_losses).mean(), reg


def random_night_shots(n, h, w):
    shots, annots = torch.rand(n, 3, h, w), []
    for _ in range(n):
        k = int(torch.randint(0, 4, (1,)))
        xy = torch.rand(k, 2) * torch.tensor([w - 80.0, h - 80.0])
        wh = torch.rand(k, 2) * 50 + 20
        annots.append({"boxes": torch.cat([xy, xy + wh], 1),
                       "labels": torch.randint(0, len(SPECIES), (k,))})
    return shots, annots


def main():
    shots, annots = random_night_shots(3, 160, 224)
    print("animals per shot:", [len(a["labels"]) for a in annots])
    model = TrapNet(len(SPECIES), len(ANCHOR_SIZES) * len(ANCHOR_RATIOS))
    opt = torch.optim.SGD(model.parameters(), lr=0.005, momentum=0.9)
    for step in range(4):
        cls_out, reg_out, (fh, fw) = model(shots)
        anchors = make_anchors(fh, fw)
        l_cls, l_reg = detection_loss(cls_out, reg_out, anchors, annots)
        loss = l_cls + l_reg
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: focal={l_cls.item():.4f} reg={l_reg.item():.4f}")


if __name__ == "__main__":
    main()
