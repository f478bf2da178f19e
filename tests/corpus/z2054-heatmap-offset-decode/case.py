"""Top-down 2D human pose: tiny heatmap + offset head on person crops.

Each of the 17 COCO keypoints gets a heatmap channel and a (dx, dy) sub-pixel
offset channel pair. Decoding takes the heatmap peak and adds the offset read
at that cell, then maps back to crop pixels for PCK evaluation.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

COCO_KPTS = ["nose", "l_eye", "r_eye", "l_ear", "r_ear", "l_shoulder", "r_shoulder",
             "l_elbow", "r_elbow", "l_wrist", "r_wrist", "l_hip", "r_hip",
             "l_knee", "r_knee", "l_ankle", "r_ankle"]
CROP_H, CROP_W = 64, 48
STRIDE = 4
HM_H, HM_W = CROP_H // STRIDE, CROP_W // STRIDE
SIGMA = 1.5


class PoseHead(nn.Module):
    def __init__(self, num_kpts):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        )
        self.heat = nn.Conv2d(32, num_kpts, 1)
        self.offset = nn.Conv2d(32, 2 * num_kpts, 1)

    def forward(self, crops):
        feat = self.backbone(crops)
        n = crops.size(0)
        return self.heat(feat), self.offset(feat).view(n, -1, 2, HM_H, HM_W)


def synth_batch(n, generator):
    """Random crops with keypoints; the joint locations are painted as bright dots."""
    kpts = torch.rand(n, len(COCO_KPTS), 2, generator=generator)
    kpts[..., 0] *= CROP_W - 1
    kpts[..., 1] *= CROP_H - 1
    crops = 0.1 * torch.randn(n, 3, CROP_H, CROP_W, generator=generator)
    yy, xx = torch.meshgrid(torch.arange(CROP_H), torch.arange(CROP_W), indexing="ij")
    for j in range(len(COCO_KPTS)):
        d2 = (xx - kpts[:, j, 0, None, None]) ** 2 + (yy - kpts[:, j, 1, None, None]) ** 2
        crops[:, j % 3] += torch.exp(-d2 / 8.0)
    return crops, kpts


def encode_targets(kpts):
    n, j, _ = kpts.shape
    hm_xy = kpts / STRIDE
    gy, gx = torch.meshgrid(torch.arange(HM_H).float(), torch.arange(HM_W).float(), indexing="ij")
    d2 = (gx - hm_xy[..., 0, None, None]) ** 2 + (gy - hm_xy[..., 1, None, None]) ** 2
    heat_t = torch.exp(-d2 / (2 * SIGMA ** 2))
    cell = hm_xy.floor()
    off_t = torch.zeros(n, j, 2, HM_H, HM_W)
    off_t[..., 0, :, :] = (hm_xy[..., 0] - cell[..., 0])[..., None, None]
    off_t[..., 1, :, :] = (hm_xy[..., 1] - cell[..., 1])[..., None, None]
    return heat_t, off_t, heat_t > 0.5


def decode(heatmaps, offsets):
    n, j, h, w = heatmaps.shape
    peak = heatmaps.reshape(n, j, h * w).argmax(dim=-1)
    py = peak / w
    px = peak % w
    bi = torch.arange(n)[:, None].expand(n, j)
    ji = torch.arange(j)[None, :].expand(n, j)
    dx = offsets[bi, ji, 0, py, px]
    dy = offsets[bi, ji, 1, py, px]
    xs = (px.float() + dx) * STRIDE
    ys = (py.float() + dy) * STRIDE
    return torch.stack([xs, ys], dim=-1)


def pck(pred, gt, thr_frac=0.1):
    thr = thr_frac * math.hypot(CROP_H, CROP_W)
    return ((pred - gt).norm(dim=-1) < thr).float().mean().item()


def main():
    gen = torch.Generator().manual_seed(3)
    torch.manual_seed(3)
    net = PoseHead(len(COCO_KPTS))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)

    for step in range(30):
        crops, kpts = synth_batch(16, gen)
        heat_t, off_t, near = encode_targets(kpts)
        heat_p, off_p = net(crops)
        loss_heat = F.mse_loss(heat_p, heat_t)
        off_mask = near[:, :, None].expand_as(off_p)
        loss_off = F.l1_loss(off_p[off_mask], off_t[off_mask])
        loss = 100 * loss_heat + loss_off
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step}: heat {loss_heat.item():.4f} off {loss_off.item():.4f}")

    net.eval()
    with torch.no_grad():
        crops, kpts = synth_batch(32, gen)
        heat_p, off_p = net(crops)
        pred = decode(heat_p, off_p)
    print(f"val PCK@0.1: {pck(pred, kpts):.3f}")
    for name, err in zip(COCO_KPTS, (pred - kpts).norm(dim=-1).mean(0).tolist()):
        print(f"  {name:>11s}: {err:.2f}px")


if __name__ == "__main__":
    main()
