"""Bimanual towel-folding policy trained from teleoperated demonstrations.

Observation per step: an overhead RGB crop (3x40x40) and the two arms' joint
positions (2 x 7) for the last few control ticks. The joint history is fed to
the policy joint-major (all ticks of joint 0, then all ticks of joint 1, ...)
so the first layer sees each joint's short trajectory as a block. Output: next
joint targets for both arms plus the two gripper open/close states.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

N_JOINTS = 14            # 7 per arm
HIST = 4
IMG = 40
N_GRIPPERS = 2


def synth_episode(steps):
    phase = torch.linspace(0, 1, steps)
    joints = torch.stack([torch.sin(phase * (j + 1)) * 0.5 for j in range(N_JOINTS)], dim=1)
    joints = joints + 0.01 * torch.randn_like(joints)
    frames = torch.rand(steps, 3, IMG, IMG) * 0.2
    for s in range(steps):
        fold = int(phase[s] * (IMG - 1))
        frames[s, :, :, :fold] += 0.6
    grippers = torch.stack([(phase > 0.2) & (phase < 0.6), (phase > 0.3) & (phase < 0.8)], dim=1)
    return frames, joints, grippers.float()


def windows(episodes):
    imgs, hists, next_joints, grips = [], [], [], []
    for frames, joints, grippers in episodes:
        for t in range(HIST - 1, joints.shape[0] - 1):
            imgs.append(frames[t])
            hists.append(joints[t - HIST + 1:t + 1])
            next_joints.append(joints[t + 1])
            grips.append(grippers[t + 1])
    return torch.stack(imgs), torch.stack(hists), torch.stack(next_joints), torch.stack(grips)


class FoldingPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.vision = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.hist_enc = nn.Sequential(nn.Linear(N_JOINTS * HIST, 64), nn.ReLU())
        self.head = nn.Sequential(
            nn.Linear(32 + 64, 128), nn.ReLU(),
            nn.Linear(128, N_JOINTS + N_GRIPPERS),
        )

    def forward(self, overhead, joint_hist):
        batch = joint_hist.shape[0]
        per_joint = joint_hist.transpose(1, 2).view(batch, -1)
        feats = torch.cat([self.vision(overhead), self.hist_enc(per_joint)], dim=1)
        out = self.head(feats)
        return out[:, :N_JOINTS], out[:, N_JOINTS:]


def step_loss(policy, overhead, joint_hist, target_joints, target_grip):
    joint_pred, grip_logits = policy(overhead, joint_hist)
    joint_term = F.mse_loss(joint_pred, target_joints)
    grip_term = F.binary_cross_entropy_with_logits(grip_logits, target_grip)
    return joint_term + 0.2 * grip_term


def main():
    episodes = [synth_episode(n) for n in (30, 34, 28, 32)]
    imgs, hists, next_joints, grips = windows(episodes)
    print("windows:", imgs.shape[0], "history block:", tuple(hists.shape[1:]))

    n_val = 16
    policy = FoldingPolicy()
    opt = torch.optim.AdamW(policy.parameters(), lr=1e-3, weight_decay=1e-4)

    for epoch in range(5):
        order = torch.randperm(imgs.shape[0] - n_val) + n_val
        for i in range(0, order.numel(), 24):
            b = order[i:i + 24]
            loss = step_loss(policy, imgs[b], hists[b], next_joints[b], grips[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = step_loss(policy, imgs[:n_val], hists[:n_val], next_joints[:n_val], grips[:n_val])
        print(f"epoch {epoch} val loss {val.item():.4f}")

    with torch.no_grad():
        _, grip_logits = policy(imgs[:4], hists[:4])
    print("gripper closed probs:", torch.sigmoid(grip_logits).round(decimals=2).tolist())


if __name__ == "__main__":
    main()
