"""Double DQN for a warehouse AMR moving between shelf aisles on a grid map.

Discrete actions: 0 = wait, 1 = north, 2 = south, 3 = east, 4 = west.
Observation: 5x5 local occupancy patch around the robot + (dx, dy) to the pick station.
"""
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

GRID_H, GRID_W = 12, 16
N_ACTIONS = 5
MOVES = [(0, 0), (-1, 0), (1, 0), (0, 1), (0, -1)]
PATCH = 5
OBS_DIM = PATCH * PATCH + 2


def build_floor_plan():
    occ = torch.zeros(GRID_H, GRID_W)
    for col in (3, 7, 11):
        occ[1:GRID_H - 2, col] = 1.0          # shelf racks
    occ[0, :] = occ[-1, :] = occ[:, 0] = occ[:, -1] = 1.0
    return occ


class AisleEnv:
    def __init__(self, occ):
        self.occ = occ
        self.padded = F.pad(occ, (PATCH // 2,) * 4, value=1.0)

    def reset(self):
        free = (self.occ == 0).nonzero().tolist()
        self.pos, self.goal = random.sample(free, 2)
        self.t = 0
        return self._obs()

    def _obs(self):
        r, c = self.pos
        patch = self.padded[r:r + PATCH, c:c + PATCH].flatten()
        d = torch.tensor([(self.goal[0] - r) / GRID_H, (self.goal[1] - c) / GRID_W])
        return torch.cat([patch, d])

    def step(self, a):
        dr, dc = MOVES[a]
        r, c = self.pos[0] + dr, self.pos[1] + dc
        reward = -0.05
        if self.occ[r, c] == 1.0:
            reward -= 0.5                     # bumped a rack, stay in place
        else:
            self.pos = [r, c]
        self.t += 1
        reached = self.pos == self.goal
        if reached:
            reward += 10.0
        return self._obs(), reward, reached or self.t >= 80


class QNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(OBS_DIM, 128), nn.ReLU(),
                                  nn.Linear(128, 128), nn.ReLU(),
                                  nn.Linear(128, N_ACTIONS))

    def forward(self, x):
        return self.body(x)


class Replay:
    def __init__(self, cap):
        self.obs = torch.zeros(cap, OBS_DIM)
        self.nobs = torch.zeros(cap, OBS_DIM)
        self.act = torch.zeros(cap, dtype=torch.long)
        self.rew = torch.zeros(cap)
        self.term = torch.zeros(cap)
        self.cap, self.n, self.i = cap, 0, 0

    def push(self, o, a, r, o2, done):
        self.obs[self.i], self.act[self.i], self.rew[self.i] = o, a, r
        self.nobs[self.i], self.term[self.i] = o2, float(done)
        self.i = (self.i + 1) % self.cap
        self.n = min(self.n + 1, self.cap)

    def sample(self, k):
        j = torch.randint(0, self.n, (k,))
        return self.obs[j], self.act[j], self.rew[j], self.nobs[j], self.term[j]


def epsilon_at(step, start=1.0, end=0.05, decay=900):
    return end + (start - end) * max(0.0, 1 - step / decay)


env = AisleEnv(build_floor_plan())
online, target = QNet(), QNet()
target.load_state_dict(online.state_dict())
opt = torch.optim.Adam(online.parameters(), lr=5e-4)
replay = Replay(20_000)
GAMMA, BATCH, WARMUP, SYNC_EVERY = 0.97, 64, 300, 200

obs = env.reset()
ep_return, returns = 0.0, []
for step in range(1500):
    if random.random() < epsilon_at(step):
        action = random.randrange(N_ACTIONS)
    else:
        with torch.no_grad():
            action = int(online(obs).argmax())
    nobs, rew, done = env.step(action)
    replay.push(obs, action, rew, nobs, done)
    ep_return += rew
    obs = nobs
    if done:
        returns.append(ep_return)
        obs, ep_return = env.reset(), 0.0

    if step < WARMUP:
        continue
    o, a, r, o2, term = replay.sample(BATCH)
    q_sa = online(o).gather(1, a)
    with torch.no_grad():
        best_next = online(o2).argmax(dim=1, keepdim=True)
        q_next = target(o2).gather(1, best_next).squeeze(1)
        y = r + GAMMA * (1.0 - term) * q_next
    loss = F.smooth_l1_loss(q_sa, y)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(online.parameters(), 10.0)
    opt.step()
    if step % SYNC_EVERY == 0:
        target.load_state_dict(online.state_dict())
    if step % 500 == 0 and returns:
        print(f"step {step}  eps {epsilon_at(step):.2f}  mean return(last 10) {sum(returns[-10:]) / len(returns[-10:]):.2f}")

print("episodes finished:", len(returns))
