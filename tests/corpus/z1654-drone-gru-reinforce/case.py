"""REINFORCE with a recurrent (GRU) policy for a quadrotor doing waypoint navigation
in a gusty 2.5D wind field. Discrete high-level maneuvers, partial observability:
the policy only sees noisy relative waypoint position + last action, not the wind.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

torch.manual_seed(7)

MANEUVERS = ["hover", "north", "south", "east", "west", "climb"]
N_MANEUVERS = len(MANEUVERS)
OBS_DIM = 3 + N_MANEUVERS
N_DRONES = 8
HORIZON = 20
GAMMA = 0.97
HIDDEN = 48

STEP = torch.tensor([[0.0, 0.0, 0.0],
                     [0.0, 1.0, 0.0],
                     [0.0, -1.0, 0.0],
                     [1.0, 0.0, 0.0],
                     [-1.0, 0.0, 0.0],
                     [0.0, 0.0, 1.0]]) * 0.5


class WindFieldNav:
    """Batched drones; each has its own waypoint and a constant unknown gust."""

    def reset(self):
        self.pos = torch.zeros(N_DRONES, 3)
        self.waypoint = torch.randn(N_DRONES, 3) * 3.0
        self.waypoint[:, 2] = self.waypoint[:, 2].abs()
        self.gust = torch.randn(N_DRONES, 3) * 0.15
        self.gust[:, 2] = 0.0
        return self._observe(torch.zeros(N_DRONES, dtype=torch.long))

    def _observe(self, last_action):
        rel = self.waypoint - self.pos + 0.05 * torch.randn(N_DRONES, 3)
        return torch.cat([rel, F.one_hot(last_action, N_MANEUVERS).float()], dim=-1)

    def step(self, maneuver):
        before = (self.waypoint - self.pos).norm(dim=-1)
        self.pos = self.pos + STEP[maneuver] + self.gust
        after = (self.waypoint - self.pos).norm(dim=-1)
        reward = (before - after) - 0.02
        return self._observe(maneuver), reward


class RecurrentPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(OBS_DIM, HIDDEN)
        self.gru = nn.GRU(HIDDEN, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, N_MANEUVERS)

    def forward(self, obs_seq, h0=None):
        z = torch.relu(self.encoder(obs_seq))
        out, hn = self.gru(z, h0)
        return self.head(out), hn


def rollout(env, policy):
    obs = env.reset()
    hidden = None
    obs_hist, act_hist, rew_hist = [], [], []
    with torch.no_grad():
        for _ in range(HORIZON):
            logits, hidden = policy(obs.unsqueeze(1), hidden)
            maneuver = Categorical(logits=logits[:, 0]).sample()
            obs_hist.append(obs)
            act_hist.append(maneuver)
            obs, reward = env.step(maneuver)
            rew_hist.append(reward)
    return (torch.stack(obs_hist, dim=1),   # (drones, T, obs)
            torch.stack(act_hist, dim=1),   # (drones, T)
            torch.stack(rew_hist, dim=1))   # (drones, T)


def reward_to_go(rewards):
    rtg = torch.zeros_like(rewards)
    running = torch.zeros(rewards.shape[0])
    for t in reversed(range(rewards.shape[1])):
        running = rewards[:, t] + GAMMA * running
        rtg[:, t] = running
    return rtg


def main():
    env = WindFieldNav()
    policy = RecurrentPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=3e-3)
    baseline = 0.0

    for it in range(3):
        obs_seq, maneuvers, rewards = rollout(env, policy)
        returns = reward_to_go(rewards)
        baseline = 0.9 * baseline + 0.1 * returns.mean().item()
        adv = returns - baseline

        maneuver_logits, _ = policy(obs_seq)
        neg_logp = F.cross_entropy(maneuver_logits, maneuvers, reduction="none")
        entropy = Categorical(logits=maneuver_logits).entropy()
        loss = (neg_logp * adv).mean() - 0.01 * entropy.mean()

        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()

        if it % 5 == 0:
            final_err = (env.waypoint - env.pos).norm(dim=-1).mean()
            print(f"it {it:02d}  return {returns[:, 0].mean():+.3f}  final dist {final_err:.2f}")


if __name__ == "__main__":
    main()
