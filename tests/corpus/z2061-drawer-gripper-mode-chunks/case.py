"""Behaviour cloning for a kitchen drawer-opening task.

Each demonstration step stores a 64-d wrist-camera embedding (from a frozen
encoder run offline), 8-d proprioception and the teleoperator's command. The
policy predicts a chunk of future arm velocities and, for each future step,
one of three gripper modes (release / grasp / keep).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(1)

CAM_DIM = 64
PROPRIO_DIM = 8
VEL_DIM = 6
HORIZON = 5
GRIP_MODES = ("release", "grasp", "keep")


def fake_demonstration(length):
    cam = torch.randn(length, CAM_DIM)
    proprio = torch.cumsum(torch.randn(length, PROPRIO_DIM) * 0.05, dim=0)
    vel = torch.randn(length, VEL_DIM) * 0.1
    mode = torch.full((length,), GRIP_MODES.index("keep"), dtype=torch.long)
    grasp_at = length // 3
    mode[grasp_at] = GRIP_MODES.index("grasp")
    mode[-2] = GRIP_MODES.index("release")
    return {"cam": cam, "proprio": proprio, "vel": vel, "mode": mode}


class ChunkedDrawerDemos(Dataset):
    def __init__(self, demos, horizon):
        self.items = []
        for demo in demos:
            steps = demo["cam"].shape[0]
            for t in range(steps - horizon):
                self.items.append((demo, t))
        self.horizon = horizon

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        demo, t = self.items[i]
        h = self.horizon
        obs = torch.cat([demo["cam"][t], demo["proprio"][t]])
        return obs, demo["vel"][t:t + h], demo["mode"][t:t + h]


class DrawerPolicy(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(CAM_DIM + PROPRIO_DIM, hidden),
            nn.LayerNorm(hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
        )
        self.vel_head = nn.Linear(hidden, HORIZON * VEL_DIM)
        self.mode_head = nn.Linear(hidden, HORIZON * len(GRIP_MODES))

    def forward(self, obs):
        feat = self.trunk(obs)
        vel = self.vel_head(feat).view(-1, HORIZON, VEL_DIM)
        mode_logits = self.mode_head(feat).view(-1, HORIZON, len(GRIP_MODES))
        return vel, mode_logits


def chunk_loss(vel_pred, mode_logits, vel_true, mode_true, grip_weight=0.3):
    vel_term = F.smooth_l1_loss(vel_pred, vel_true)
    mode_term = F.cross_entropy(mode_logits, mode_true)
    return vel_term + grip_weight * mode_term, vel_term.item(), mode_term.item()


def evaluate(policy, loader):
    policy.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for obs, _, mode_true in loader:
            _, mode_logits = policy(obs)
            hits += (mode_logits.argmax(-1) == mode_true).sum().item()
            total += mode_true.numel()
    policy.train()
    return hits / max(total, 1)


def main():
    train_demos = [fake_demonstration(int(n)) for n in torch.randint(30, 45, (10,))]
    val_demos = [fake_demonstration(36) for _ in range(2)]
    train_loader = DataLoader(ChunkedDrawerDemos(train_demos, HORIZON),
                              batch_size=16, shuffle=True)
    val_loader = DataLoader(ChunkedDrawerDemos(val_demos, HORIZON), batch_size=32)

    policy = DrawerPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)

    for epoch in range(4):
        for step, (obs, vel_true, mode_true) in enumerate(train_loader):
            vel_pred, mode_logits = policy(obs)
            loss, v, m = chunk_loss(vel_pred, mode_logits, vel_true, mode_true)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            opt.step()
            if step % 10 == 0:
                print(f"epoch {epoch} step {step} vel {v:.4f} grip {m:.4f}")
        print(f"epoch {epoch} val gripper-mode acc {evaluate(policy, val_loader):.3f}")

    n_params = sum(p.numel() for p in policy.parameters())
    print(f"trained drawer policy with {n_params} parameters")


if __name__ == "__main__":
    main()
