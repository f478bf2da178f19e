"""Behaviour cloning for a peg-in-hole insertion task on a torque-controlled arm.

Inputs per timestep: end-effector pose (xyz + quaternion), a 6-axis F/T reading and
a 32-d feature from a wrist camera crop around the hole.  The policy outputs a
bounded Cartesian delta (translation in metres, rotation in radians) through tanh,
and the demonstrations store deltas in the same physical units.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(5)

POSE_DIM = 7
WRENCH_DIM = 6
WRIST_FEAT = 32
DELTA_DIM = 6
MAX_TRANS = 0.005   # 5 mm per control step
MAX_ROT = 0.05      # rad per control step


def synth_insertion_demos(n_demos=25, steps=40):
    poses, wrenches, feats, deltas = [], [], [], []
    for _ in range(n_demos):
        hole = torch.randn(3) * 0.01
        ee = hole + torch.tensor([0.0, 0.0, 0.06]) + torch.randn(3) * 0.004
        quat = F.normalize(torch.tensor([1.0, 0.0, 0.0, 0.0]) + 0.02 * torch.randn(4), dim=0)
        for t in range(steps):
            to_hole = hole - ee
            trans = torch.clamp(0.3 * to_hole, -MAX_TRANS, MAX_TRANS)
            rot = torch.clamp(-0.5 * quat[1:], -MAX_ROT, MAX_ROT)
            contact = float(ee[2] - hole[2] < 0.01)
            wrench = torch.cat([torch.randn(3) * 0.5 * contact, torch.randn(3) * 0.05])
            poses.append(torch.cat([ee, quat]))
            wrenches.append(wrench)
            feats.append(torch.randn(WRIST_FEAT) + to_hole.norm() * 10)
            deltas.append(torch.cat([trans, rot]))
            ee = ee + trans
    return (torch.stack(poses), torch.stack(wrenches), torch.stack(feats), torch.stack(deltas))


class InsertionPolicy(nn.Module):
    def __init__(self, hidden=96):
        super().__init__()
        self.wrench_enc = nn.Sequential(nn.Linear(WRENCH_DIM, 32), nn.Tanh())
        self.body = nn.Sequential(
            nn.Linear(POSE_DIM + 32 + WRIST_FEAT, hidden), nn.SiLU(),
            nn.Linear(hidden, hidden), nn.SiLU(),
        )
        self.delta_head = nn.Linear(hidden, DELTA_DIM)

    def forward(self, pose, wrench, wrist):
        h = self.body(torch.cat([pose, self.wrench_enc(wrench), wrist], dim=-1))
        delta = torch.tanh(self.delta_head(h))
        delta[:, :3] *= MAX_TRANS
        delta[:, 3:] *= MAX_ROT
        return delta


def weighted_delta_loss(pred, target):
    trans_loss = F.mse_loss(pred[:, :3] / MAX_TRANS, target[:, :3] / MAX_TRANS)
    rot_loss = F.mse_loss(pred[:, 3:] / MAX_ROT, target[:, 3:] / MAX_ROT)
    return trans_loss + 0.5 * rot_loss


def evaluate(policy, loader):
    policy.eval()
    err_mm, n = 0.0, 0
    with torch.no_grad():
        for pose, wrench, wrist, delta in loader:
            pred = policy(pose, wrench, wrist)
            err_mm += (pred[:, :3] - delta[:, :3]).norm(dim=-1).sum().item() * 1000
            n += pose.shape[0]
    return err_mm / n


def main():
    pose, wrench, wrist, delta = synth_insertion_demos()
    split = int(0.8 * pose.shape[0])
    train = TensorDataset(pose[:split], wrench[:split], wrist[:split], delta[:split])
    val = TensorDataset(pose[split:], wrench[split:], wrist[split:], delta[split:])
    train_dl = DataLoader(train, batch_size=64, shuffle=True)
    val_dl = DataLoader(val, batch_size=256)

    policy = InsertionPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)

    for epoch in range(8):
        policy.train()
        for pose_b, wrench_b, wrist_b, delta_b in train_dl:
            pred = policy(pose_b, wrench_b, wrist_b)
            loss = weighted_delta_loss(pred, delta_b)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        print(f"epoch {epoch}: last loss {loss.item():.4f}, val trans err {evaluate(policy, val_dl):.3f} mm")


if __name__ == "__main__":
    main()
