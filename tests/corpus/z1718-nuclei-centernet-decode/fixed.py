"""CenterNet-style nucleus detector for H&E microscopy tiles.

One-class center heatmap + size (w, h) + sub-pixel offset heads at stride 4.
Train briefly on synthetic tiles, then decode peaks into boxes.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

TILE = 128
DOWN = 4
MAX_NUCLEI = 40


class NucleusNet(nn.Module):
    def __init__(self, ch=32):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, ch, 3, 2, 1), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, ch, 3, 2, 1), nn.BatchNorm2d(ch), nn.ReLU(),
            nn.Conv2d(ch, ch, 3, 1, 1), nn.BatchNorm2d(ch), nn.ReLU(),
        )
        self.hm = nn.Conv2d(ch, 1, 1)
        self.wh = nn.Conv2d(ch, 2, 1)
        self.off = nn.Conv2d(ch, 2, 1)
        nn.init.constant_(self.hm.bias, -2.19)

    def forward(self, x):
        f = self.stem(x)
        return self.hm(f), self.wh(f), self.off(f)


def synth_tile():
    n = int(torch.randint(6, 20, (1,)))
    ctr = torch.rand(n, 2) * (TILE - 20) + 10
    size = torch.rand(n, 2) * 10 + 6
    img = torch.rand(3, TILE, TILE) * 0.2 + 0.7
    yy, xx = torch.meshgrid(torch.arange(TILE).float(), torch.arange(TILE).float(), indexing="ij")
    for (cx, cy), (w, h) in zip(ctr, size):
        blob = (((xx - cx) / (w / 2)) ** 2 + ((yy - cy) / (h / 2)) ** 2) <= 1
        img[:, blob] = torch.tensor([0.35, 0.2, 0.55])[:, None]
    return img, ctr, size


def build_targets(ctr, size, out):
    hm = torch.zeros(1, out, out)
    wh = torch.zeros(MAX_NUCLEI, 2)
    off = torch.zeros(MAX_NUCLEI, 2)
    ind = torch.zeros(MAX_NUCLEI, dtype=torch.long)
    mask = torch.zeros(MAX_NUCLEI)
    yy, xx = torch.meshgrid(torch.arange(out).float(), torch.arange(out).float(), indexing="ij")
    for k, ((cx, cy), (w, h)) in enumerate(zip(ctr / DOWN, size / DOWN)):
        ix, iy = int(cx), int(cy)
        sigma = max(0.8, float(min(w, h)) / 3)
        g = torch.exp(-((xx - ix) ** 2 + (yy - iy) ** 2) / (2 * sigma ** 2))
        hm[0] = torch.maximum(hm[0], g)
        wh[k] = torch.stack([w, h])
        off[k] = torch.stack([cx - ix, cy - iy])
        ind[k] = iy * out + ix
        mask[k] = 1
    return hm, wh, off, ind, mask


def focal_loss(logits, gt, alpha=2, beta=4):
    p = logits.sigmoid().clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = 1 - pos
    pos_loss = (torch.log(p) * (1 - p) ** alpha * pos).sum()
    neg_loss = (torch.log(1 - p) * p ** alpha * (1 - gt) ** beta * neg).sum()
    return -(pos_loss + neg_loss) / pos.sum().clamp(min=1)


def gather_feat(fmap, ind):
    b, c, h, w = fmap.shape
    flat = fmap.view(b, c, h * w).permute(0, 2, 1)
    return flat.gather(1, ind[:, :, None].expand(-1, -1, c))


def topk_peaks(heat, k):
    b, _, h, w = heat.shape
    hmax = F.max_pool2d(heat, 3, stride=1, padding=1)
    heat = heat * (hmax == heat).float()
    scores, inds = heat.view(b, -1).topk(k)
    ys = torch.div(inds, w, rounding_mode="floor")
    xs = inds % w
    return scores, ys, xs


def decode(hm_logits, wh_map, off_map, k=MAX_NUCLEI, thresh=0.05):
    scores, ys, xs = topk_peaks(hm_logits.sigmoid(), k)
    batch = torch.arange(scores.shape[0])[:, None]
    wh = wh_map.permute(0, 2, 3, 1)[batch, ys, xs]
    off = off_map.permute(0, 2, 3, 1)[batch, ys, xs]
    cx = (xs.float() + off[..., 0]) * DOWN
    cy = (ys.float() + off[..., 1]) * DOWN
    half_w, half_h = wh[..., 0] * DOWN / 2, wh[..., 1] * DOWN / 2
    boxes = torch.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], dim=-1)
    return [(boxes[i][scores[i] > thresh], scores[i][scores[i] > thresh]) for i in range(scores.shape[0])]


def main():
    out = TILE // DOWN
    model = NucleusNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for it in range(1):
        tiles, hms, whs, offs, inds, masks = [], [], [], [], [], []
        for _ in range(4):
            img, ctr, size = synth_tile()
            hm, wh, off, ind, mask = build_targets(ctr, size, out)
            tiles.append(img); hms.append(hm); whs.append(wh)
            offs.append(off); inds.append(ind); masks.append(mask)
        tiles, hms = torch.stack(tiles), torch.stack(hms)
        whs, offs, inds, masks = torch.stack(whs), torch.stack(offs), torch.stack(inds), torch.stack(masks)

        hm_logits, wh_map, off_map = model(tiles)
        m = masks[..., None]
        l_hm = focal_loss(hm_logits, hms)
        l_wh = F.l1_loss(gather_feat(wh_map, inds) * m, whs * m, reduction="sum") / (m.sum() + 1e-4)
        l_off = F.l1_loss(gather_feat(off_map, inds) * m, offs * m, reduction="sum") / (m.sum() + 1e-4)
        loss = l_hm + 0.1 * l_wh + l_off
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"iter {it}: hm={l_hm.item():.3f} wh={l_wh.item():.3f} off={l_off.item():.3f}")

    model.eval()
    with torch.no_grad():
        img, ctr, _ = synth_tile()
        dets = decode(*model(img[None]))
    boxes, scores = dets[0]
    print(f"{len(ctr)} nuclei in tile, {boxes.shape[0]} detections above threshold")


if __name__ == "__main__":
    main()
