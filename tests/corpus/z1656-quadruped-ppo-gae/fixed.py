"""PPO update for a simplified quadruped trotting task.

The "simulator" is a cheap linearised body model: 12 joint targets in,
a 24-dim proprioceptive state out (joint angles + joint velocities).
Reward is forward body velocity minus an energy penalty.
"""
import torch
import torch.nn as nn

torch.manual_seed(3)

N_JOINTS = 12
OBS_DIM = 2 * N_JOINTS
ROLLOUT_LEN = 128
GAMMA = 0.99
GAE_LAMBDA = 0.95
CLIP_EPS = 0.2


class TrotSim:
    def __init__(self):
        self.A = torch.eye(OBS_DIM) * 0.97 + 0.01 * torch.randn(OBS_DIM, OBS_DIM)
        self.B = 0.1 * torch.randn(OBS_DIM, N_JOINTS)
        self.fwd = torch.randn(OBS_DIM) / OBS_DIM ** 0.5
        self.t = 0

    def reset(self):
        self.t = 0
        self.state = 0.05 * torch.randn(OBS_DIM)
        return self.state.clone()

    def step(self, joint_cmd):
        self.state = self.A @ self.state + self.B @ joint_cmd.clamp(-1.0, 1.0)
        self.t += 1
        body_vel = float(self.fwd @ self.state)
        energy = float((joint_cmd ** 2).sum())
        reward = body_vel - 0.01 * energy
        fell = bool(self.state.abs().max() > 4.0)
        done = fell or self.t >= 400
        return self.state.clone(), reward, done


class GaussianPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.mu = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, N_JOINTS))
        self.log_std = nn.Parameter(torch.full((N_JOINTS,), -0.5))

    def dist(self, obs):
        return torch.distributions.Normal(self.mu(obs), self.log_std.exp())


critic = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, 1))
actor = GaussianPolicy()
optim = torch.optim.Adam(list(actor.parameters()) + list(critic.parameters()), lr=3e-4)


def collect(sim, obs):
    obs_buf = torch.zeros(ROLLOUT_LEN + 1, OBS_DIM)
    act_buf = torch.zeros(ROLLOUT_LEN, N_JOINTS)
    logp_buf = torch.zeros(ROLLOUT_LEN)
    rew_buf = torch.zeros(ROLLOUT_LEN)
    done_buf = torch.zeros(ROLLOUT_LEN)
    for t in range(ROLLOUT_LEN):
        obs_buf[t] = obs
        with torch.no_grad():
            d = actor.dist(obs)
            a = d.sample()
        logp_buf[t] = d.log_prob(a).sum()
        act_buf[t] = a
        obs, r, done = sim.step(a)
        rew_buf[t] = r
        done_buf[t] = float(done)
        if done:
            obs = sim.reset()
    obs_buf[ROLLOUT_LEN] = obs
    return obs_buf, act_buf, logp_buf, rew_buf, done_buf, obs


def compute_gae(rewards, values, dones, last_value):
    advantages = torch.zeros_like(values)
    running = 0.0
    for t in reversed(range(len(values))):
        if t == len(values) - 1:
            next_v = last_value
        else:
            next_v = values[t + 1]
        not_done = 1.0 - dones[t]
        delta = rewards[t] + GAMMA * next_v * not_done - values[t]
        running = delta + GAMMA * GAE_LAMBDA * not_done * running
        advantages[t] = running
    return advantages, advantages + values


def ppo_update(obs, acts, old_logp, adv, returns, epochs=4, mb=32):
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    for _ in range(epochs):
        perm = torch.randperm(obs.shape[0])
        for start in range(0, obs.shape[0], mb):
            idx = perm[start:start + mb]
            logp = actor.dist(obs[idx]).log_prob(acts[idx]).sum(-1)
            ratio = (logp - old_logp[idx]).exp()
            surr = torch.min(ratio * adv[idx],
                             ratio.clamp(1 - CLIP_EPS, 1 + CLIP_EPS) * adv[idx])
            v_loss = (critic(obs[idx]).squeeze(-1) - returns[idx]).pow(2).mean()
            loss = -surr.mean() + 0.5 * v_loss
            optim.zero_grad()
            loss.backward()
            optim.step()


sim = TrotSim()
obs = sim.reset()
for it in range(3):
    obs_buf, act_buf, logp_buf, rew_buf, done_buf, obs = collect(sim, obs)
    with torch.no_grad():
        all_values = critic(obs_buf).squeeze(-1)
    values, last_value = all_values[:-1], all_values[-1]
    adv, ret = compute_gae(rew_buf, values, done_buf, last_value)
    ppo_update(obs_buf[:-1], act_buf, logp_buf, adv, ret)
    print(f"iter {it}: mean reward {rew_buf.mean():.4f}  mean return {ret.mean():.3f}")
