"""DQN controller for a single 4-way intersection.

State: queue length + mean waiting time on each of the 4 approaches, plus the one-hot
of the currently active phase. Action: which of the 4 signal phases to serve next.
Queue dynamics are a simple Poisson arrival / fixed discharge model.
"""
import copy
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
random.seed(11)

N_APPROACHES = 4
N_PHASES = 4
STATE_DIM = 2 * N_APPROACHES + N_PHASES
ARRIVAL_RATES = torch.tensor([0.6, 0.4, 0.7, 0.3])
DISCHARGE = 2.0
# which approaches get green under each phase
GREEN = torch.tensor([[1, 0, 1, 0],
                      [0, 1, 0, 1],
                      [1, 0, 0, 0],
                      [0, 0, 1, 0]], dtype=torch.float32)


class Intersection:
    def reset(self):
        self.queue = torch.zeros(N_APPROACHES)
        self.wait = torch.zeros(N_APPROACHES)
        self.phase = 0
        return self.state()

    def state(self):
        onehot = F.one_hot(torch.tensor(self.phase), N_PHASES).float()
        return torch.cat([self.queue / 20.0, self.wait / 50.0, onehot])

    def step(self, phase):
        switch_penalty = 1.0 if phase != self.phase else 0.0
        self.phase = phase
        arrivals = torch.poisson(ARRIVAL_RATES)
        served = torch.minimum(self.queue, GREEN[phase] * DISCHARGE)
        self.queue = (self.queue + arrivals - served).clamp(max=40.0)
        self.wait = torch.where(self.queue > 0, self.wait + 1.0, torch.zeros_like(self.wait))
        reward = -(self.queue.sum() / 10.0) - switch_penalty * 0.5
        return self.state(), float(reward)


class ReplayBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.state = torch.zeros(capacity, STATE_DIM)
        self.next_state = torch.zeros(capacity, STATE_DIM)
        self.phase = torch.zeros(capacity, dtype=torch.long)
        self.reward = torch.zeros(capacity)
        self.ptr = 0
        self.size = 0

    def add(self, s, a, r, s2):
        self.state[self.ptr] = s
        self.phase[self.ptr] = a
        self.reward[self.ptr] = r
        self.next_state[self.ptr] = s2
        self.ptr = (self.ptr + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, n):
        idx = torch.randint(0, self.size, (n,))
        return self.state[idx], self.phase[idx], self.reward[idx], self.next_state[idx]


def make_qnet():
    return nn.Sequential(nn.Linear(STATE_DIM, 64), nn.ReLU(),
                         nn.Linear(64, 64), nn.ReLU(),
                         nn.Linear(64, N_PHASES))


def dqn_update(q_net, target_net, opt, batch, gamma=0.95):
    s, phase, r, s2 = batch
    with torch.no_grad():
        target = r + gamma * target_net(s2).max(dim=1).values
    q_taken = q_net(s).gather(1, phase)
    loss = F.smooth_l1_loss(q_taken, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def main():
    env = Intersection()
    q_net = make_qnet()
    target_net = copy.deepcopy(q_net)
    opt = torch.optim.Adam(q_net.parameters(), lr=1e-3)
    buffer = ReplayBuffer(5000)
    warmup, batch_size, total_steps = 200, 64, 1500
    eps = 1.0

    s = env.reset()
    ep_return = 0.0
    for step in range(total_steps):
        if random.random() < eps:
            a = random.randrange(N_PHASES)
        else:
            with torch.no_grad():
                a = int(q_net(s).argmax())
        s2, r = env.step(a)
        buffer.add(s, a, r, s2)
        ep_return += r
        s = s2
        if (step + 1) % 300 == 0:
            print(f"step {step + 1}  episode return {ep_return:.1f}  eps {eps:.2f}")
            s = env.reset()
            ep_return = 0.0
        if step >= warmup:
            eps = max(0.05, eps * 0.997)
            dqn_update(q_net, target_net, opt, buffer.sample(batch_size))
            if step % 100 == 0:
                target_net.load_state_dict(q_net.state_dict())


if __name__ == "__main__":
    main()
