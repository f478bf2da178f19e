"""A2C for quadrotor hover with a batch of vectorised simulated drones.

State per drone: position error (3), velocity (3), roll/pitch (2), body rates (2) = 10.
Action: 4 normalised motor thrusts in [0, 1] (squashed Gaussian).
"""
import torch
import torch.nn as nn

torch.manual_seed(11)

N_DRONES = 16
STATE_DIM = 10
N_MOTORS = 4
HORIZON = 50
DT = 0.02
GAMMA = 0.98
HOVER = 0.25


class DroneBatch:
    def __init__(self, n):
        self.n = n
        arm = torch.tensor([[1., 0.], [0., 1.], [-1., 0.], [0., -1.]])
        self.mix_torque = arm.T  # (2, 4): motor thrusts -> roll/pitch torque

    def reset(self):
        self.s = torch.zeros(self.n, STATE_DIM)
        self.s[:, :3] = 0.5 * torch.randn(self.n, 3)
        return self.s.clone()

    def step(self, thrust):
        pos, vel = self.s[:, :3], self.s[:, 3:6]
        att, rates = self.s[:, 6:8], self.s[:, 8:10]
        collective = thrust.sum(-1) - 4 * HOVER
        acc = torch.zeros(self.n, 3)
        acc[:, 2] = 9.81 * collective
        acc[:, 0] = 9.81 * att[:, 1]
        acc[:, 1] = -9.81 * att[:, 0]
        rates = rates + DT * 20.0 * (thrust @ self.mix_torque.T)
        att = att + DT * rates
        vel = vel + DT * acc
        pos = pos + DT * vel
        self.s = torch.cat([pos, vel, att, rates], dim=-1)
        reward = -(pos.norm(dim=-1) + 0.1 * vel.norm(dim=-1) + 0.05 * att.abs().sum(-1))
        return self.s.clone(), reward


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(STATE_DIM, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh())
        self.mu = nn.Linear(64, N_MOTORS)
        self.log_std = nn.Parameter(torch.full((N_MOTORS,), -1.0))
        self.v = nn.Linear(64, 1)

    def forward(self, s):
        h = self.trunk(s)
        return torch.distributions.Normal(self.mu(h), self.log_std.exp()), self.v(h).squeeze(-1)


def discounted_returns(rewards, bootstrap):
    # rewards: (HORIZON, N_DRONES)
    out = torch.zeros_like(rewards)
    running = bootstrap
    for t in reversed(range(rewards.shape[0])):
        running = rewards[t] + GAMMA * running
        out[t] = running
    return out


net = ActorCritic()
opt = torch.optim.Adam(net.parameters(), lr=5e-4)
sim = DroneBatch(N_DRONES)

for update in range(20):
    s = sim.reset()
    states, raw_actions, rewards = [], [], []
    for t in range(HORIZON):
        with torch.no_grad():
            dist, _ = net(s)
            raw = dist.sample()
        thrust = torch.sigmoid(raw)
        states.append(s)
        raw_actions.append(raw)
        s, r = sim.step(thrust)
        rewards.append(r)

    states = torch.stack(states)           # (HORIZON, N_DRONES, STATE_DIM)
    raw_actions = torch.stack(raw_actions)
    rewards = torch.stack(rewards)
    with torch.no_grad():
        _, v_last = net(s)
    returns = discounted_returns(rewards, v_last)

    # env-major ordering so each drone's trajectory is contiguous in the batch
    states_em = states.transpose(0, 1)
    actions_em = raw_actions.transpose(0, 1)
    returns_em = returns.transpose(0, 1)

    flat_s = states_em.view(-1, STATE_DIM)
    flat_a = actions_em.reshape(-1, N_MOTORS)
    flat_ret = returns_em.reshape(-1)

    dist, values = net(flat_s)
    logp = dist.log_prob(flat_a).sum(-1)
    adv = (flat_ret - values).detach()
    adv = (adv - adv.mean()) / (adv.std() + 1e-6)
    loss = -(logp * adv).mean() + 0.5 * (flat_ret - values).pow(2).mean() - 1e-3 * dist.entropy().sum(-1).mean()
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 0.5)
    opt.step()
    if update % 5 == 0:
        print(f"update {update:2d} mean reward {rewards.mean():.3f} loss {loss.item():.3f}")
