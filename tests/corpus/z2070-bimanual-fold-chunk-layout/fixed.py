"""Action-chunking policy for bimanual towel folding.

Observations: a 96-d feature from a top-down camera and the 7-d proprio state of each
arm (6 joints + gripper aperture).  The policy predicts the next CHUNK steps of
joint targets for both arms.  Each arm has its own decoder head; the low-level
controller wants a (chunk, 14) array laid out [left 7 | right 7] per step.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
rng = np.random.default_rng(11)

ARMS = ("left", "right")
ARM_DOF = 7
CHUNK = 10
IMG_FEAT = 96
N_DEMOS = 20


def record_fold_demo(length):
    """Synthetic demonstration: both arms sweep toward the midline, grippers pinch at corners."""
    t = np.linspace(0.0, 1.0, length)[:, None]
    img = rng.normal(size=(length, IMG_FEAT)).astype(np.float32)
    left = np.concatenate([np.sin(t * np.arange(1, 7)), (t > 0.3).astype(float)], axis=1)
    right = np.concatenate([np.cos(t * np.arange(1, 7)), (t > 0.35).astype(float)], axis=1)
    joints = np.concatenate([left, right], axis=1).astype(np.float32)
    return img, joints


def chunk_windows(demos):
    obs_img, obs_prop, targets = [], [], []
    for img, joints in demos:
        for s in range(len(joints) - CHUNK):
            obs_img.append(img[s])
            obs_prop.append(joints[s])
            targets.append(joints[s + 1: s + 1 + CHUNK])
    return (torch.from_numpy(np.stack(obs_img)),
            torch.from_numpy(np.stack(obs_prop)),
            torch.from_numpy(np.stack(targets)))


class ArmDecoder(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, CHUNK * ARM_DOF))

    def forward(self, z):
        return self.net(z).view(z.shape[0], CHUNK, ARM_DOF)


class FoldPolicy(nn.Module):
    def __init__(self, width=128):
        super().__init__()
        self.img_enc = nn.Sequential(nn.Linear(IMG_FEAT, width), nn.ReLU())
        self.prop_enc = nn.Sequential(nn.Linear(len(ARMS) * ARM_DOF, width), nn.ReLU())
        self.fuse = nn.Linear(2 * width, width)
        self.decoders = nn.ModuleDict({arm: ArmDecoder(width) for arm in ARMS})

    def forward(self, img, prop):
        z = F.relu(self.fuse(torch.cat([self.img_enc(img), self.prop_enc(prop)], dim=-1)))
        per_arm = torch.stack([self.decoders[arm](z) for arm in ARMS], dim=1)
        per_step = per_arm.permute(0, 2, 1, 3)
        return per_step.reshape(z.shape[0], CHUNK, len(ARMS) * ARM_DOF)


def chunk_loss(pred, target):
    joint_err = F.l1_loss(pred[..., [i for i in range(len(ARMS) * ARM_DOF) if i % ARM_DOF != ARM_DOF - 1]],
                          target[..., [i for i in range(len(ARMS) * ARM_DOF) if i % ARM_DOF != ARM_DOF - 1]])
    grip_idx = [ARM_DOF - 1, 2 * ARM_DOF - 1]
    grip_err = F.binary_cross_entropy_with_logits(pred[..., grip_idx], target[..., grip_idx])
    return joint_err + 0.2 * grip_err


def main():
    demos = [record_fold_demo(int(rng.integers(40, 60))) for _ in range(N_DEMOS)]
    img, prop, target = chunk_windows(demos)
    print("windows:", img.shape[0], "target chunk:", tuple(target.shape[1:]))

    policy = FoldPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=5e-4)
    n = img.shape[0]
    for epoch in range(6):
        perm = torch.randperm(n)
        total = 0.0
        for s in range(0, n, 64):
            idx = perm[s:s + 64]
            pred = policy(img[idx], prop[idx])
            loss = chunk_loss(pred, target[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: {total / n:.4f}")

    with torch.no_grad():
        plan = policy(img[:1], prop[:1])[0].numpy()
    print("first step left gripper logit %.3f, right %.3f" % (plan[0, ARM_DOF - 1], plan[0, -1]))


if __name__ == "__main__":
    main()
