"""Behaviour cloning for a 3-link planar reaching arm with discretised actions.

Expert: a saturated joint-space PD controller. Each joint's velocity command is
binned into N_BINS classes so the policy can be trained with cross-entropy
(multimodal-friendly, like RT-1 style action tokens).
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

N_LINKS = 3
LINK_LEN = torch.tensor([0.40, 0.30, 0.20])
QD_MAX = 1.5          # rad/s joint velocity limit
N_BINS = 9
DT = 0.05
KP = 4.0


def fk(q):
    angles = torch.cumsum(q, dim=-1)
    x = (LINK_LEN * torch.cos(angles)).sum(-1)
    y = (LINK_LEN * torch.sin(angles)).sum(-1)
    return torch.stack([x, y], dim=-1)


def expert_velocity(q, q_goal):
    return (KP * (q_goal - q)).clamp(-QD_MAX, QD_MAX)


def rollout_demos(n_episodes, horizon=40):
    obs, cmds = [], []
    for _ in range(n_episodes):
        q = (torch.rand(N_LINKS) - 0.5) * math.pi
        q_goal = (torch.rand(N_LINKS) - 0.5) * math.pi
        goal_xy = fk(q_goal)
        for _ in range(horizon):
            qd = expert_velocity(q, q_goal)
            obs.append(torch.cat([torch.sin(q), torch.cos(q), goal_xy - fk(q)]))
            cmds.append(qd)
            q = q + DT * qd
    return torch.stack(obs), torch.stack(cmds)


bin_edges = torch.linspace(-QD_MAX, QD_MAX, N_BINS + 1)
bin_centers = 0.5 * (bin_edges[:-1] + bin_edges[1:])


def velocity_to_bin(qd):
    return torch.bucketize(qd, bin_edges)


def bin_to_velocity(idx):
    return bin_centers[idx]


class BinnedPolicy(nn.Module):
    def __init__(self, obs_dim):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, 128), nn.ReLU(),
                                  nn.Linear(128, 128), nn.ReLU())
        self.head = nn.Linear(128, N_LINKS * N_BINS)

    def forward(self, o):
        return self.head(self.body(o)).view(-1, N_LINKS, N_BINS)


def evaluate(policy, n=3, horizon=60):
    errs = []
    for _ in range(n):
        q = (torch.rand(N_LINKS) - 0.5) * math.pi
        goal_xy = fk((torch.rand(N_LINKS) - 0.5) * math.pi)
        for _ in range(horizon):
            o = torch.cat([torch.sin(q), torch.cos(q), goal_xy - fk(q)])
            with torch.no_grad():
                idx = policy(o.unsqueeze(0)).argmax(-1).squeeze(0)
            q = q + DT * bin_to_velocity(idx)
        errs.append((fk(q) - goal_xy).norm().item())
    return sum(errs) / len(errs)


demo_obs, demo_qd = rollout_demos(20)
demo_bins = velocity_to_bin(demo_qd)
print("demos:", demo_obs.shape, "bins:", demo_bins.shape)

policy = BinnedPolicy(demo_obs.shape[1])
opt = torch.optim.AdamW(policy.parameters(), lr=1e-3, weight_decay=1e-4)

for epoch in range(2):
    perm = torch.randperm(len(demo_obs))
    total = 0.0
    for i in range(0, len(perm), 128):
        b = perm[i:i + 128]
        logits = policy(demo_obs[b])
        loss = F.cross_entropy(logits.reshape(-1, N_BINS), demo_bins[b].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    print(f"epoch {epoch} bc loss {total / len(perm):.4f}")

print(f"mean final reach error: {evaluate(policy):.3f} m")
