"""PPO on a toy planar quadruped (trunk height + forward velocity model).

Dynamics are a crude linearised trunk model so the whole loop runs on a laptop;
we only care about the learning pipeline here before moving to Isaac.
"""
import torch
import torch.nn as nn
from torch.distributions import Normal

torch.manual_seed(3)

OBS_DIM = 12        # 4 legs x (hip angle, knee angle, contact)
ACT_DIM = 8         # hip + knee torque per leg
N_STEPS = 64
GAMMA = 0.99
GAE_LAMBDA = 0.95
CLIP_EPS = 0.2


class ToyQuadruped:
    def __init__(self):
        self.A = torch.eye(OBS_DIM) * 0.97
        self.B = torch.randn(OBS_DIM, ACT_DIM) * 0.05
        self.t = 0

    def reset(self):
        self.t = 0
        self.state = torch.randn(OBS_DIM) * 0.1
        return self.state.clone()

    def step(self, torque):
        torque = torque.clamp(-1.0, 1.0)
        self.state = self.A @ self.state + self.B @ torque + 0.01 * torch.randn(OBS_DIM)
        self.t += 1
        forward_vel = self.state[:4].mean()
        effort = 0.01 * (torque ** 2).sum()
        reward = forward_vel - effort
        fell = bool(self.state[4:8].abs().max() > 1.5)
        done = fell or self.t >= 200
        return self.state.clone(), float(reward), done


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.pi = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, ACT_DIM))
        self.v = nn.Sequential(nn.Linear(OBS_DIM, 64), nn.Tanh(), nn.Linear(64, 1))
        self.log_std = nn.Parameter(torch.full((ACT_DIM,), -0.5))

    def dist(self, obs):
        return Normal(self.pi(obs), self.log_std.exp())

    def value(self, obs):
        return self.v(obs).squeeze(-1)


def collect_rollout(env, ac, obs):
    buf = {"obs": [], "act": [], "logp": [], "rew": [], "done": [], "val": []}
    for _ in range(N_STEPS):
        with torch.no_grad():
            d = ac.dist(obs)
            a = d.sample()
            buf["logp"].append(d.log_prob(a).sum())
            buf["val"].append(ac.value(obs))
        nxt, r, done = env.step(a)
        buf["obs"].append(obs)
        buf["act"].append(a)
        buf["rew"].append(r)
        buf["done"].append(float(done))
        obs = env.reset() if done else nxt
    with torch.no_grad():
        buf["val"].append(ac.value(obs))   # bootstrap value for the last state
    out = {k: torch.stack(v) if torch.is_tensor(v[0]) else torch.tensor(v) for k, v in buf.items()}
    return out, obs


def compute_gae(rewards, values, dones):
    horizon = values.shape[0]
    advantages = torch.zeros_like(rewards)
    last_gae = 0.0
    for t in reversed(range(horizon)):
        not_done = 1.0 - dones[t]
        delta = rewards[t] + GAMMA * values[t + 1] * not_done - values[t]
        last_gae = delta + GAMMA * GAE_LAMBDA * not_done * last_gae
        advantages[t] = last_gae
    returns = advantages + values[:-1]
    return advantages, returns


def ppo_update(ac, opt, batch, advantages, returns, epochs=4):
    adv = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    for _ in range(epochs):
        d = ac.dist(batch["obs"])
        logp = d.log_prob(batch["act"]).sum(-1)
        ratio = (logp - batch["logp"]).exp()
        surr = torch.min(ratio * adv, ratio.clamp(1 - CLIP_EPS, 1 + CLIP_EPS) * adv)
        v_loss = (ac.value(batch["obs"]) - returns).pow(2).mean()
        loss = -surr.mean() + 0.5 * v_loss - 0.001 * d.entropy().sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(ac.parameters(), 0.5)
        opt.step()
    return loss.item()


def main():
    env = ToyQuadruped()
    ac = ActorCritic()
    opt = torch.optim.Adam(ac.parameters(), lr=3e-4)
    obs = env.reset()
    for it in range(2):
        batch, obs = collect_rollout(env, ac, obs)
        adv, ret = compute_gae(batch["rew"], batch["val"], batch["done"])
        loss = ppo_update(ac, opt, batch, adv, ret)
        print(f"iter {it:02d}  mean reward/step {batch['rew'].mean():+.4f}  loss {loss:.4f}")


if __name__ == "__main__":
    main()
