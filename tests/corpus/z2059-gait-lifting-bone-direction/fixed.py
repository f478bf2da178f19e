"""2D-to-3D pose lifting for gait videos (Human3.6M 17-joint layout).

A Martinez-style residual MLP lifts root-relative 2D detections to 3D.
Besides the per-joint MPJPE loss, the training objective adds two
skeleton priors that help on walking sequences with self-occlusion:
  * bone-length symmetry between left and right limbs
  * bone-direction agreement with the ground-truth skeleton
"""
import math

import torch
import torch.nn as nn

torch.manual_seed(3)

N_JOINTS = 17
# Human3.6M parent of each joint (root = pelvis, index 0)
PARENTS = [-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 9, 8, 11, 12, 8, 14, 15]
CHILD = [j for j in range(N_JOINTS) if PARENTS[j] >= 0]
PARENT = [PARENTS[j] for j in CHILD]
# (right bone index, left bone index) pairs in CHILD order
SYMMETRIC_BONES = [(0, 3), (1, 4), (2, 5), (10, 13), (11, 14), (12, 15)]


class ResidualBlock(nn.Module):
    def __init__(self, width, p_drop=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(p_drop),
        )

    def forward(self, x):
        return x + self.net(x)


class Lifter(nn.Module):
    def __init__(self, width=256, n_blocks=2):
        super().__init__()
        self.inp = nn.Linear(N_JOINTS * 2, width)
        self.blocks = nn.Sequential(*[ResidualBlock(width) for _ in range(n_blocks)])
        self.out = nn.Linear(width, N_JOINTS * 3)

    def forward(self, kp2d):
        h = self.blocks(torch.relu(self.inp(kp2d.flatten(1))))
        return self.out(h).view(-1, N_JOINTS, 3)


def bone_terms(pose3d):
    bones = pose3d[:, CHILD] - pose3d[:, PARENT]        # (B, 16, 3)
    lengths = bones.norm(dim=-1)                         # (B, 16)
    bones = bones / (lengths.unsqueeze(-1) + 1e-8)
    return lengths, bones


def skeleton_loss(pred3d, gt3d):
    pred_len, pred_dir = bone_terms(pred3d)
    _, gt_dir = bone_terms(gt3d)
    right = pred_len[:, [r for r, _ in SYMMETRIC_BONES]]
    left = pred_len[:, [l for _, l in SYMMETRIC_BONES]]
    symmetry = (right - left).abs().mean()
    direction = (1.0 - (pred_dir * gt_dir).sum(-1)).mean()
    return symmetry, direction


def synthetic_walk(batch_size):
    """Random gait-like 3D poses and their pinhole projections."""
    phase = torch.rand(batch_size, 1) * 2 * math.pi
    rest = torch.randn(1, N_JOINTS, 3) * 0.25
    swing = torch.zeros(batch_size, N_JOINTS, 3)
    swing[:, 1:4, 2] = 0.2 * torch.sin(phase)        # right leg forward/back
    swing[:, 4:7, 2] = -0.2 * torch.sin(phase)       # left leg opposite phase
    gt3d = rest + swing + 0.01 * torch.randn(batch_size, N_JOINTS, 3)
    gt3d = gt3d - gt3d[:, :1]                          # root-relative
    depth = gt3d[..., 2:] + 5.0
    kp2d = gt3d[..., :2] / depth
    return kp2d, gt3d


def mpjpe(pred, gt):
    return (pred - gt).norm(dim=-1).mean()


def train(steps=40, batch_size=32, w_sym=0.1, w_dir=0.5):
    lifter = Lifter()
    opt = torch.optim.Adam(lifter.parameters(), lr=1e-3)
    for step in range(steps):
        kp2d, gt3d = synthetic_walk(batch_size)
        pred3d = lifter(kp2d)
        sym, direc = skeleton_loss(pred3d, gt3d)
        loss = mpjpe(pred3d, gt3d) + w_sym * sym + w_dir * direc
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:02d} loss {loss.item():.4f} sym {sym.item():.4f} dir {direc.item():.4f}")
    return lifter


if __name__ == "__main__":
    lifter = train()
    lifter.eval()
    with torch.no_grad():
        kp2d, gt3d = synthetic_walk(64)
        err = mpjpe(lifter(kp2d), gt3d)
    print(f"val MPJPE: {err.item() * 1000:.1f} mm")
