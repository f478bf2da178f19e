"""Top-down single-person pose estimation on 14-joint LSP-style crops.

Tiny simple-baseline network (strided conv backbone + deconv head) trained with
MSE on Gaussian heatmaps, target weights zeroed for invisible joints.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

LSP_JOINTS = [
    "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle",
    "r_wrist", "r_elbow", "r_shoulder", "l_shoulder", "l_elbow", "l_wrist",
    "neck", "head_top",
]
FLIP_PAIRS = [(0, 5), (1, 4), (2, 3), (6, 11), (7, 10), (8, 9)]
CROP_H, CROP_W = 128, 96
STRIDE = 4
SIGMA = 2.0


class SimpleBaseline(nn.Module):
    def __init__(self, num_joints=17, width=32):
        super().__init__()
        layers, c_in = [], 3
        for c_out in (width, width * 2, width * 4, width * 4):
            layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1),
                       nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
            c_in = c_out
        self.backbone = nn.Sequential(*layers)           # stride 16
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(c_in, width * 2, 4, stride=2, padding=1),
            nn.BatchNorm2d(width * 2), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width * 2, width * 2, 4, stride=2, padding=1),
            nn.BatchNorm2d(width * 2), nn.ReLU(inplace=True),
        )                                                 # back to stride 4
        self.final = nn.Conv2d(width * 2, num_joints, 1)

    def forward(self, x):
        return self.final(self.deconv(self.backbone(x)))


def make_fake_crops(n):
    """Random crops with joints scattered around a vertical 'body' axis."""
    crops = torch.rand(n, 3, CROP_H, CROP_W)
    samples = []
    for i in range(n):
        cx = CROP_W / 2 + torch.randn(len(LSP_JOINTS)) * 12
        cy = torch.linspace(CROP_H * 0.9, CROP_H * 0.1, len(LSP_JOINTS)) + torch.randn(len(LSP_JOINTS)) * 4
        vis = (torch.rand(len(LSP_JOINTS)) > 0.15).float()
        kpts = torch.stack([cx.clamp(0, CROP_W - 1), cy.clamp(0, CROP_H - 1), vis], dim=1)
        samples.append((crops[i], kpts))
    return samples


def render_targets(kpts, num_joints, out_h, out_w):
    """Gaussian heatmap per joint on the output grid plus per-joint target weight."""
    heatmaps = torch.zeros(num_joints, out_h, out_w)
    weights = torch.zeros(num_joints)
    ys = torch.arange(out_h).float()[:, None]
    xs = torch.arange(out_w).float()[None, :]
    radius = int(math.ceil(3 * SIGMA))
    for j in range(num_joints):
        x, y, v = kpts[j]
        if v < 0.5:
            continue
        mx, my = x / STRIDE, y / STRIDE
        if mx < -radius or my < -radius or mx >= out_w + radius or my >= out_h + radius:
            continue
        heatmaps[j] = torch.exp(-((xs - mx) ** 2 + (ys - my) ** 2) / (2 * SIGMA ** 2))
        weights[j] = 1.0
    return heatmaps, weights


def collate(samples, num_joints):
    out_h, out_w = CROP_H // STRIDE, CROP_W // STRIDE
    imgs, hms, wts = [], [], []
    for img, kpts in samples:
        hm, w = render_targets(kpts, num_joints, out_h, out_w)
        imgs.append(img)
        hms.append(hm)
        wts.append(w)
    return torch.stack(imgs), torch.stack(hms), torch.stack(wts)


def joints_mse(pred, target, weight):
    w = weight[:, :, None, None]
    return 0.5 * F.mse_loss(pred * w, target * w)


def decode_argmax(heatmaps):
    b, k, h, w = heatmaps.shape
    flat = heatmaps.view(b, k, -1)
    score, idx = flat.max(dim=2)
    xs = (idx % w).float() * STRIDE
    ys = torch.div(idx, w, rounding_mode="floor").float() * STRIDE
    return torch.stack([xs, ys], dim=2), score


def main():
    train_set = make_fake_crops(8)
    model = SimpleBaseline(num_joints=len(LSP_JOINTS))
    n_out = model.final.out_channels
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    batch_size = 8
    for epoch in range(1):
        total = 0.0
        for start in range(0, len(train_set), batch_size):
            imgs, hms, wts = collate(train_set[start:start + batch_size], n_out)
            pred = model(imgs)
            loss = joints_mse(pred, hms, wts)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.5f}")

    model.eval()
    with torch.no_grad():
        imgs, _, _ = collate(train_set[:4], n_out)
        coords, score = decode_argmax(model(imgs))
    for name, (x, y), s in zip(LSP_JOINTS, coords[0].tolist(), score[0].tolist()):
        print(f"{name:>11s}: ({x:5.1f}, {y:5.1f}) conf={s:.3f}")


if __name__ == "__main__":
    main()
