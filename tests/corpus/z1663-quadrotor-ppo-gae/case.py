"""PPO on a planar quadrotor hover task (2 rotor thrusts, continuous actions).

State: x, z, theta, vx, vz, omega (relative to hover setpoint). Dynamics integrated with explicit Euler.
"""
import math
import torch
import torch.nn as nn
from torch.distributions import Normal

torch.manual_seed(7)

MASS, ARM, INERTIA, G, DT = 0.5, 0.15, 0.004, 9.81, 0.02
HOVER_THRUST = MASS * G / 2
OBS_DIM, ACT_DIM = 6, 2
HORIZON = 256
GAMMA, LAM, CLIP_EPS = 0.99, 0.95, 0.2


class PlanarQuad:
    def reset(self):
        self.s = torch.empty(OBS_DIM).uniform_(-0.3, 0.3)
        return self.s.clone()

    def step(self, u):
        thrust = HOVER_THRUST * (1.0 + 0.5 * u.clamp(-1, 1))
        x, z, th, vx, vz, om = self.s.tolist()
        f = thrust.sum().item()
        ax = -f * math.sin(th) / MASS
        az = f * math.cos(th) / MASS - G
        alpha = ARM * (thrust[1] - thrust[0]).item() / INERTIA
        self.s = torch.tensor([x + DT * vx, z + DT * vz, th + DT * om,
                               vx + DT * ax, vz + DT * az, om + DT * alpha])
        cost = self.s[:3].pow(2).sum() + 0.1 * self.s[3:].pow(2).sum() + 0.01 * u.pow(2).sum()
        crashed = bool(self.s[:3].abs().max() > 2.0)
        return self.s.clone(), -cost.item(), crashed


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.pi = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                                nn.Linear(64, ACT_DIM))
        self.log_std = nn.Parameter(torch.full((ACT_DIM,), -0.5))
        self.v = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                               nn.Linear(64, 1))

    def dist(self, obs):
        return Normal(self.pi(obs), self.log_std.exp())

    def value(self, obs):
        return self.v(obs).squeeze(-1)


def rollout(env, ac, obs):
    buf = {k: [] for k in ("obs", "act", "logp", "rew", "done", "val")}
    for _ in range(HORIZON):
        with torch.no_grad():
            d = ac.dist(obs)
            a = d.sample()
            logp = d.log_prob(a).sum(-1)
            v = ac.value(obs)
        nobs, r, done = env.step(a)
        for k, x in zip(buf, (obs, a, logp, r, float(done), v)):
            buf[k].append(x)
        obs = env.reset() if done else nobs
    batch = {k: torch.stack(v) if torch.is_tensor(v[0]) else torch.tensor(v) for k, v in buf.items()}
    return batch, obs


def compute_gae(rew, done, values, last_value):
    values_ext = torch.cat([values, last_value])
    adv = torch.zeros_like(rew)
    running = 0.0
    for t in reversed(range(len(rew))):
        nonterm = 1.0 - done[t]
        delta = rew[t] + GAMMA * values_ext[t + 1] * nonterm - values_ext[t]
        running = delta + GAMMA * LAM * nonterm * running
        adv[t] = running
    return adv, adv + values


env = PlanarQuad()
ac = ActorCritic()
opt = torch.optim.Adam(ac.parameters(), lr=3e-4)
obs = env.reset()

for update in range(8):
    batch, obs = rollout(env, ac, obs)
    with torch.no_grad():
        last_value = ac.value(obs)
    adv, ret = compute_gae(batch["rew"], batch["done"], batch["val"], last_value)
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)

    for epoch in range(4):
        perm = torch.randperm(HORIZON)
        for mb in perm.split(64):
            d = ac.dist(batch["obs"][mb])
            logp = d.log_prob(batch["act"][mb]).sum(-1)
            ratio = (logp - batch["logp"][mb]).exp()
            s1 = ratio * adv[mb]
            s2 = ratio.clamp(1 - CLIP_EPS, 1 + CLIP_EPS) * adv[mb]
            pi_loss = -torch.min(s1, s2).mean()
            v_loss = (ac.value(batch["obs"][mb]) - ret[mb]).pow(2).mean()
            loss = pi_loss + 0.5 * v_loss - 0.001 * d.entropy().sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(ac.parameters(), 0.5)
            opt.step()

    print(f"update {update:2d}  mean reward {batch['rew'].mean():.3f}  v_loss {v_loss.item():.3f}")
