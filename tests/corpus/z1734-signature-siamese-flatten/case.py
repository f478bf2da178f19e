"""Offline signature verification with a siamese CNN and a contrastive margin loss.

Genuine/genuine pairs are positives, genuine/skilled-forgery pairs are negatives.
Synthetic "signatures" are random strokes rendered on a small canvas.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SiameseConfig:
    canvas_h: int = 40
    canvas_w: int = 96
    writers: int = 8
    genuine_per_writer: int = 5
    forgeries_per_writer: int = 3
    channels: int = 16
    embed_dim: int = 64
    margin: float = 1.0
    pairs_per_step: int = 16
    steps: int = 6
    lr: float = 2e-3


def render_strokes(ctrl, cfg, jitter, g):
    canvas = torch.zeros(cfg.canvas_h, cfg.canvas_w)
    pts = ctrl + jitter * torch.randn(ctrl.shape, generator=g)
    ys = pts[:, 0].clamp(0, cfg.canvas_h - 1).long()
    xs = pts[:, 1].clamp(0, cfg.canvas_w - 1).long()
    canvas[ys, xs] = 1.0
    return F.max_pool2d(canvas[None, None], 3, stride=1, padding=1)[0]


def make_signatures(cfg, seed=0):
    g = torch.Generator().manual_seed(seed)
    genuine, forged = [], []
    for _ in range(cfg.writers):
        t = torch.linspace(0, 1, 60)
        ctrl = torch.stack([cfg.canvas_h / 2 + 10 * torch.sin(6.28 * t * (1 + torch.rand(1, generator=g))),
                            5 + t * (cfg.canvas_w - 10)], dim=1)
        genuine.append(torch.stack([render_strokes(ctrl, cfg, 1.0, g) for _ in range(cfg.genuine_per_writer)]))
        forged.append(torch.stack([render_strokes(ctrl, cfg, 4.0, g) for _ in range(cfg.forgeries_per_writer)]))
    return torch.stack(genuine), torch.stack(forged)


class SignatureTower(nn.Module):
    def __init__(self, cfg: SiameseConfig):
        super().__init__()
        c = cfg.channels
        self.conv = nn.Sequential(
            nn.Conv2d(1, c, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c, c, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.norm = nn.LayerNorm(c)
        feat_h, feat_w = cfg.canvas_h // 4, cfg.canvas_w // 4
        self.fc = nn.Linear(c * feat_h * feat_w, cfg.embed_dim)

    def forward(self, img):
        fmap = self.conv(img)
        fmap = self.norm(fmap.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        flat = fmap.view(fmap.size(0), -1)
        return F.normalize(self.fc(flat), dim=-1)


def contrastive_loss(za, zb, same, margin):
    d = (za - zb).norm(dim=-1)
    pos = same * d.pow(2)
    neg = (1 - same) * F.relu(margin - d).pow(2)
    return 0.5 * (pos + neg).mean()


def sample_pairs(genuine, forged, cfg, g):
    w = torch.randint(0, cfg.writers, (cfg.pairs_per_step,), generator=g)
    i = torch.randint(0, cfg.genuine_per_writer, (cfg.pairs_per_step,), generator=g)
    j = torch.randint(0, cfg.genuine_per_writer, (cfg.pairs_per_step,), generator=g)
    k = torch.randint(0, cfg.forgeries_per_writer, (cfg.pairs_per_step,), generator=g)
    is_pos = torch.rand(cfg.pairs_per_step, generator=g) < 0.5
    anchor = genuine[w, i]
    other = torch.where(is_pos[:, None, None, None], genuine[w, j], forged[w, k])
    return anchor, other, is_pos.float()


def train(cfg):
    torch.manual_seed(0)
    genuine, forged = make_signatures(cfg)
    tower = SignatureTower(cfg)
    opt = torch.optim.Adam(tower.parameters(), lr=cfg.lr)
    g = torch.Generator().manual_seed(3)
    for step in range(cfg.steps):
        anchor, other, same = sample_pairs(genuine, forged, cfg, g)
        loss = contrastive_loss(tower(anchor), tower(other), same, cfg.margin)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: contrastive {loss.item():.4f}")
    return tower, genuine, forged


@torch.no_grad()
def equal_error_proxy(tower, genuine, forged):
    tower.eval()
    ref = tower(genuine[:, 0])
    gen_d = (tower(genuine[:, 1]) - ref).norm(dim=-1)
    forg_d = (tower(forged[:, 0]) - ref).norm(dim=-1)
    thr = torch.cat([gen_d, forg_d]).median()
    frr = (gen_d > thr).float().mean().item()
    far = (forg_d <= thr).float().mean().item()
    print(f"threshold {thr:.3f}: FRR={frr:.2f} FAR={far:.2f}")


if __name__ == "__main__":
    cfg = SiameseConfig()
    tower, genuine, forged = train(cfg)
    equal_error_proxy(tower, genuine, forged)
