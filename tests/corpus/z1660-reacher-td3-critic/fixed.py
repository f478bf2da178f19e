"""TD3-style twin critic for a 7-DoF reaching arm.

Observations: joint angles (7), joint velocities (7), end-effector pos (3), goal pos (3) -> 20 dims.
Actions: joint torque commands (7), squashed to [-1, 1].
Data comes from a synthetic rollout buffer so the update loop can be sanity-checked offline.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

N_JOINTS = 7
OBS_DIM = 2 * N_JOINTS + 3 + 3
ACT_DIM = N_JOINTS
GAMMA = 0.98
TAU = 0.005
POLICY_NOISE = 0.2
NOISE_CLIP = 0.5


class StateEncoder(nn.Module):
    """Shared trunk that maps proprioception + goal to a latent feature."""

    def __init__(self, obs_dim, feat_dim=64):
        super().__init__()
        self.feat_dim = feat_dim
        self.net = nn.Sequential(
            nn.Linear(obs_dim, 128), nn.LayerNorm(128), nn.Tanh(),
            nn.Linear(128, feat_dim), nn.ReLU(),
        )

    def forward(self, obs):
        return self.net(obs)


class Actor(nn.Module):
    def __init__(self, encoder, act_dim):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Sequential(nn.Linear(encoder.feat_dim, 64), nn.ReLU(), nn.Linear(64, act_dim))

    def forward(self, obs):
        return torch.tanh(self.head(self.encoder(obs)))


class TwinCritic(nn.Module):
    def __init__(self, encoder, obs_dim, act_dim, hidden=256):
        super().__init__()
        self.encoder = encoder
        q_in = encoder.feat_dim + act_dim
        self.q1 = nn.Sequential(nn.Linear(q_in, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.q2 = nn.Sequential(nn.Linear(q_in, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, obs, act):
        z = self.encoder(obs)
        za = torch.cat([z, act], dim=-1)
        return self.q1(za), self.q2(za)


class RolloutBuffer:
    def __init__(self, capacity, obs_dim, act_dim):
        self.obs = torch.zeros(capacity, obs_dim)
        self.act = torch.zeros(capacity, act_dim)
        self.rew = torch.zeros(capacity, 1)
        self.next_obs = torch.zeros(capacity, obs_dim)
        self.done = torch.zeros(capacity, 1)
        self.ptr, self.size, self.capacity = 0, 0, capacity

    def add(self, o, a, r, o2, d):
        i = self.ptr
        self.obs[i], self.act[i], self.rew[i], self.next_obs[i], self.done[i] = o, a, r, o2, d
        self.ptr = (self.ptr + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size):
        idx = torch.randint(0, self.size, (batch_size,))
        return self.obs[idx], self.act[idx], self.rew[idx], self.next_obs[idx], self.done[idx]


def fake_reach_step(obs, act):
    """Very rough kinematic stand-in: velocities follow torques, reward = -distance to goal."""
    q, qd, ee, goal = obs[:7], obs[7:14], obs[14:17], obs[17:20]
    qd = 0.9 * qd + 0.1 * act
    q = q + 0.05 * qd
    ee = ee + 0.02 * qd[:3]
    nxt = torch.cat([q, qd, ee, goal])
    dist = torch.linalg.norm(ee - goal)
    return nxt, -dist.item(), float(dist < 0.05)


def collect(buffer, actor, n_steps=60):
    obs = torch.randn(OBS_DIM) * 0.3
    for t in range(n_steps):
        with torch.no_grad():
            a = actor(obs.unsqueeze(0)).squeeze(0)
        a = (a + 0.1 * torch.randn_like(a)).clamp(-1, 1)
        nxt, r, d = fake_reach_step(obs, a)
        buffer.add(obs, a, r, nxt, d)
        obs = torch.randn(OBS_DIM) * 0.3 if (d or t % 100 == 99) else nxt


def soft_update(target, source, tau):
    for tp, sp in zip(target.parameters(), source.parameters()):
        tp.data.mul_(1 - tau).add_(tau * sp.data)


encoder = StateEncoder(OBS_DIM)
actor = Actor(encoder, ACT_DIM)
critic = TwinCritic(StateEncoder(OBS_DIM), OBS_DIM, ACT_DIM)
actor_targ = Actor(StateEncoder(OBS_DIM), ACT_DIM)
critic_targ = TwinCritic(StateEncoder(OBS_DIM), OBS_DIM, ACT_DIM)
actor_targ.load_state_dict(actor.state_dict())
critic_targ.load_state_dict(critic.state_dict())

actor_opt = torch.optim.Adam(actor.parameters(), lr=3e-4)
critic_opt = torch.optim.Adam(critic.parameters(), lr=3e-4)

buf = RolloutBuffer(10_000, OBS_DIM, ACT_DIM)
collect(buf, actor)

for it in range(20):
    o, a, r, o2, d = buf.sample(256)
    with torch.no_grad():
        noise = (torch.randn_like(a) * POLICY_NOISE).clamp(-NOISE_CLIP, NOISE_CLIP)
        a2 = (actor_targ(o2) + noise).clamp(-1, 1)
        tq1, tq2 = critic_targ(o2, a2)
        target = r + GAMMA * (1 - d) * torch.min(tq1, tq2)

    q1, q2 = critic(o, a)
    critic_loss = F.mse_loss(q1, target) + F.mse_loss(q2, target)
    critic_opt.zero_grad()
    critic_loss.backward()
    critic_opt.step()

    if it % 2 == 0:
        actor_loss = -critic(o, actor(o))[0].mean()
        actor_opt.zero_grad()
        actor_loss.backward()
        actor_opt.step()
        soft_update(actor_targ, actor, TAU)
        soft_update(critic_targ, critic, TAU)

    if it % 50 == 0:
        print(f"iter {it:4d}  critic {critic_loss.item():.4f}")

print("done")
