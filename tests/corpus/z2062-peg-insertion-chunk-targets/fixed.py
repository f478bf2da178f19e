"""Offline behaviour cloning for a peg-in-hole insertion cell.

Demonstrations were recorded by kinesthetic teaching at 20 Hz: the arm's
tool-flange pose, the wrist force/torque sensor and a 32-d feature of the
side camera. Actions are pose deltas between consecutive frames; the policy
is trained to output a short chunk of them (padded with the last delta at the
end of a demo so every frame yields a full chunk).
"""
import math

import torch
import torch.nn as nn

torch.manual_seed(7)

POSE_DIM = 7        # xyz + quaternion
WRENCH_DIM = 6
VIS_DIM = 32
CHUNK_LEN = 6


def record_insertion(n_frames):
    t = torch.linspace(0, 1, n_frames).unsqueeze(1)
    approach = torch.cat([0.1 * (1 - t), 0.05 * torch.sin(math.pi * t), 0.3 - 0.2 * t], dim=1)
    quat = torch.tensor([[0.0, 1.0, 0.0, 0.0]]).repeat(n_frames, 1)
    flange_pose = torch.cat([approach, quat], dim=1) + 0.002 * torch.randn(n_frames, POSE_DIM)
    contact = (t > 0.7).float()
    force_torque = contact * torch.randn(n_frames, WRENCH_DIM) * 4.0
    side_cam = torch.randn(n_frames, VIS_DIM)
    return {"flange_pose": flange_pose, "force_torque": force_torque, "side_cam": side_cam}


def build_training_pairs(demo):
    flange_pose = demo["flange_pose"]
    force_torque = demo["force_torque"]
    side_cam = demo["side_cam"]
    pose_deltas = flange_pose[1:] - flange_pose[:-1]

    n_steps = pose_deltas.shape[0]
    observations, targets = [], []
    for t in range(n_steps):
        obs = torch.cat([flange_pose[t], force_torque[t] / 10.0, side_cam[t]])
        chunk = []
        for k in range(CHUNK_LEN):
            j = min(t + k, n_steps - 1)
            chunk.append(pose_deltas[j])
        observations.append(obs)
        targets.append(torch.stack(chunk))
    return torch.stack(observations), torch.stack(targets)


class InsertionPolicy(nn.Module):
    def __init__(self, width=96):
        super().__init__()
        in_dim = POSE_DIM + WRENCH_DIM + VIS_DIM
        self.net = nn.Sequential(
            nn.Linear(in_dim, width), nn.ReLU(),
            nn.Linear(width, width), nn.ReLU(),
            nn.Linear(width, CHUNK_LEN * POSE_DIM),
        )

    def forward(self, obs):
        return self.net(obs).view(obs.shape[0], CHUNK_LEN, POSE_DIM)


def temporal_weights(length, decay=0.8):
    w = decay ** torch.arange(length, dtype=torch.float32)
    return (w / w.sum()).view(1, length, 1)


def main():
    demo_lengths = [48, 55, 60, 52, 58]
    demos = [record_insertion(n) for n in demo_lengths]

    obs_list, tgt_list = [], []
    for demo in demos:
        o, a = build_training_pairs(demo)
        obs_list.append(o)
        tgt_list.append(a)
    all_obs = torch.cat(obs_list)
    all_tgt = torch.cat(tgt_list) * 100.0   # delta in cm-ish units
    print("training pairs:", all_obs.shape[0])

    policy = InsertionPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=2e-3)
    weights = temporal_weights(CHUNK_LEN)

    for epoch in range(30):
        order = torch.randperm(all_obs.shape[0])
        total = 0.0
        for i in range(0, len(order), 32):
            b = order[i:i + 32]
            pred = policy(all_obs[b])
            loss = (weights * (pred - all_tgt[b]) ** 2).sum(dim=1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} weighted mse {total / len(order):.5f}")

    with torch.no_grad():
        first = policy(all_obs[:1])[0, 0, :3]
    print("first predicted xyz step (cm):", [round(v, 3) for v in first.tolist()])


if __name__ == "__main__":
    main()
