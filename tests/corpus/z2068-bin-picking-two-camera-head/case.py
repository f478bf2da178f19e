"""Behaviour cloning for a bin-picking arm.

Each demonstration step stores frozen camera embeddings (one per camera, produced
offline by a pretrained visual encoder), the 7 joint positions and the 2 finger
widths of the parallel gripper.  The policy regresses the next 7-dof joint delta
plus a gripper open/close logit.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
random.seed(0)

CAMERAS = ["wrist_rgb", "overhead_rgb"]
cam_feat_dim = 64          # width of the offline encoder output
num_joints = 7
num_fingers = 2
proprio_dim = num_joints + num_fingers
num_cameras = len(CAMERAS)


def synth_demo(n_steps):
    """Fake a single teleoperated pick: approach, close gripper, lift."""
    steps = []
    phase_close = int(n_steps * 0.6)
    for t in range(n_steps):
        cams = {c: torch.randn(cam_feat_dim) for c in CAMERAS}
        joints = torch.tensor([math.sin(0.1 * t + j) for j in range(num_joints)])
        fingers = torch.full((num_fingers,), 0.04 if t < phase_close else 0.005)
        delta = torch.randn(num_joints) * 0.02
        grip_closed = 1.0 if t >= phase_close else 0.0
        steps.append({"cams": cams, "joints": joints, "fingers": fingers,
                      "delta": delta, "grip": grip_closed})
    return steps


class PickDemoSteps(Dataset):
    def __init__(self, demos):
        self.items = [s for d in demos for s in d]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        s = self.items[i]
        vision = torch.cat([s["cams"][c] for c in CAMERAS], dim=-1)
        proprio = torch.cat([s["joints"], s["fingers"]], dim=-1)
        return vision, proprio, s["delta"], torch.tensor(s["grip"])


class PickPolicy(nn.Module):
    def __init__(self, vision_width, proprio_width, hidden=128):
        super().__init__()
        self.proprio_norm = nn.LayerNorm(proprio_width)
        self.trunk = nn.Sequential(
            nn.Linear(vision_width + proprio_width, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
        )
        self.joint_head = nn.Linear(hidden, num_joints)
        self.grip_head = nn.Linear(hidden, 1)

    def forward(self, vision, proprio):
        h = torch.cat([vision, self.proprio_norm(proprio)], dim=-1)
        h = self.trunk(h)
        return self.joint_head(h), self.grip_head(h).squeeze(-1)


def run_epoch(policy, loader, opt):
    policy.train()
    tot, n = 0.0, 0
    for vision, proprio, delta, grip in loader:
        pred_delta, grip_logit = policy(vision, proprio)
        loss = F.mse_loss(pred_delta, delta) + 0.5 * F.binary_cross_entropy_with_logits(grip_logit, grip)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * vision.size(0)
        n += vision.size(0)
    return tot / n


@torch.no_grad()
def grip_accuracy(policy, loader):
    policy.eval()
    correct, n = 0, 0
    for vision, proprio, _, grip in loader:
        _, logit = policy(vision, proprio)
        correct += ((logit > 0).float() == grip).sum().item()
        n += grip.numel()
    return correct / n


def main():
    demos = [synth_demo(random.randint(30, 45)) for _ in range(12)]
    train_set = PickDemoSteps(demos[:10])
    val_set = PickDemoSteps(demos[10:])
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_set, batch_size=64)

    print(f"{len(train_set)} train steps, {len(val_set)} val steps, cameras={CAMERAS}")
    policy = PickPolicy(vision_width=cam_feat_dim, proprio_width=proprio_dim)
    opt = torch.optim.AdamW(policy.parameters(), lr=3e-4, weight_decay=1e-4)

    for epoch in range(5):
        loss = run_epoch(policy, train_loader, opt)
        acc = grip_accuracy(policy, val_loader)
        print(f"epoch {epoch}: loss={loss:.4f} grip_acc={acc:.3f}")

    n_params = sum(p.numel() for p in policy.parameters())
    print(f"done, {n_params} parameters")


if __name__ == "__main__":
    main()
