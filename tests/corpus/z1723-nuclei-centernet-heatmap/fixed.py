import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

DOWN = 4
MAX_NUCLEI = 48


def gaussian_radius(w, h, min_overlap=0.7):
    # simplified CornerNet radius, enough for roughly round nuclei
    r = (w + h) / 4 * (1 - min_overlap) + 1
    return max(int(r), 1)


def draw_gaussian(hm, cx, cy, radius):
    d = 2 * radius + 1
    sigma = d / 6
    ys = torch.arange(-radius, radius + 1).float()[:, None]
    xs = torch.arange(-radius, radius + 1).float()[None, :]
    g = torch.exp(-(xs ** 2 + ys ** 2) / (2 * sigma ** 2))
    H, W = hm.shape
    l, r_ = min(cx, radius), min(W - cx, radius + 1)
    t, b = min(cy, radius), min(H - cy, radius + 1)
    region = hm[cy - t:cy + b, cx - l:cx + r_]
    torch.maximum(region, g[radius - t:radius + b, radius - l:radius + r_], out=region)


def build_targets(nuclei_per_slide, out_h, out_w):
    B = len(nuclei_per_slide)
    heat = torch.zeros(B, 1, out_h, out_w)
    wh = torch.zeros(B, MAX_NUCLEI, 2)
    off = torch.zeros(B, MAX_NUCLEI, 2)
    flat_idx = torch.zeros(B, MAX_NUCLEI, dtype=torch.long)
    present = torch.zeros(B, MAX_NUCLEI)
    for b, boxes in enumerate(nuclei_per_slide):
        for k, (x1, y1, x2, y2) in enumerate(boxes.tolist()[:MAX_NUCLEI]):
            bw, bh = (x2 - x1) / DOWN, (y2 - y1) / DOWN
            cx, cy = (x1 + x2) / 2 / DOWN, (y1 + y2) / 2 / DOWN
            ix, iy = min(int(cx), out_w - 1), min(int(cy), out_h - 1)
            draw_gaussian(heat[b, 0], ix, iy, gaussian_radius(bw, bh))
            wh[b, k] = torch.tensor([bw, bh])
            off[b, k] = torch.tensor([cx - ix, cy - iy])
            flat_idx[b, k] = iy * out_w + ix
            present[b, k] = 1.0
    return heat, wh, off, flat_idx, present


class NucleusCenterNet(nn.Module):
    def __init__(self, ch=48):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(3, ch, 3, 2, 1), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, ch, 3, 2, 1), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, ch, 3, 1, 1), nn.ReLU(),
        )
        self.heat_head = nn.Conv2d(ch, 1, 1)
        self.wh_head = nn.Conv2d(ch, 2, 1)
        self.off_head = nn.Conv2d(ch, 2, 1)
        nn.init.constant_(self.heat_head.bias, -2.19)

    def forward(self, x):
        f = self.enc(x)
        return self.heat_head(f), self.wh_head(f), self.off_head(f)


def center_prob(logits):
    return torch.sigmoid(logits).clamp(min=1e-4, max=1 - 1e-4)


def penalty_focal(pred, gt, alpha=2, beta=4):
    pos = gt.eq(1).float()
    neg = 1 - pos
    pos_term = torch.log(pred) * (1 - pred) ** alpha * pos
    neg_term = torch.log(1 - pred) * pred ** alpha * (1 - gt) ** beta * neg
    n_pos = pos.sum().clamp(min=1)
    return -(pos_term.sum() + neg_term.sum()) / n_pos


def gather_at(feat, flat_idx):
    B, C = feat.shape[:2]
    feat = feat.view(B, C, -1).permute(0, 2, 1)
    return feat.gather(1, flat_idx[..., None].expand(-1, -1, C))


def masked_l1(pred, target, present):
    w = present[..., None].expand_as(pred)
    return (torch.abs(pred - target) * w).sum() / (w.sum() + 1e-4)


def synth_slides(n, size):
    tiles, nuclei = torch.rand(n, 3, size, size) * 0.3, []
    for _ in range(n):
        k = int(torch.randint(5, 30, (1,)))
        c = torch.rand(k, 2) * (size - 24) + 12
        r = torch.rand(k, 1) * 6 + 4
        nuclei.append(torch.cat([c - r, c + r], 1))
    return tiles, nuclei


def main():
    size = 128
    tiles, nuclei = synth_slides(2, size)
    heat_t, wh_t, off_t, idx_t, present = build_targets(nuclei, size // DOWN, size // DOWN)
    print("nuclei per tile:", [len(n) for n in nuclei], "peaks:", int(heat_t.eq(1).sum()))
    net = NucleusCenterNet()
    opt = torch.optim.Adam(net.parameters(), lr=2e-4)
    for step in range(4):
        heat_logit, wh_map, off_map = net(tiles)
        heat = center_prob(heat_logit)
        l_heat = penalty_focal(heat, heat_t)
        l_wh = masked_l1(gather_at(wh_map, idx_t), wh_t, present)
        l_off = masked_l1(gather_at(off_map, idx_t), off_t, present)
        loss = l_heat + 0.1 * l_wh + l_off
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: heat={l_heat.item():.4f} wh={l_wh.item():.4f} off={l_off.item():.4f}")

    with torch.no_grad():
        heat = center_prob(net(tiles)[0])
        peaks = (heat == F.max_pool2d(heat, 3, 1, 1)) & (heat > 0.3)
        print("detected centers per tile:", peaks.flatten(1).sum(1).tolist())


if __name__ == "__main__":
    main()
