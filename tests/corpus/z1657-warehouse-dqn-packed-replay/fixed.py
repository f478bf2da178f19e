"""DQN for a warehouse AGV on a 6x6 grid with shelves.

Observation: one-hot of AGV cell + one-hot of pick-target cell (72 dims).
Actions: 0=north 1=south 2=east 3=west 4=wait.
Transitions are packed into one flat tensor row to keep the buffer a single
contiguous block (easy to dump to disk between robot sessions).
"""
import random
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)

GRID = 6
N_CELLS = GRID * GRID
STATE_DIM = 2 * N_CELLS
N_MOVES = 5
SHELVES = {(1, 1), (1, 2), (1, 3), (4, 2), (4, 3), (4, 4)}
MOVES = [(-1, 0), (1, 0), (0, 1), (0, -1), (0, 0)]


class WarehouseGrid:
    def reset(self):
        free = [(r, c) for r in range(GRID) for c in range(GRID) if (r, c) not in SHELVES]
        self.agv, self.goal = random.sample(free, 2)
        self.steps = 0
        return self.encode()

    def encode(self):
        s = torch.zeros(STATE_DIM)
        s[self.agv[0] * GRID + self.agv[1]] = 1.0
        s[N_CELLS + self.goal[0] * GRID + self.goal[1]] = 1.0
        return s

    def step(self, move):
        dr, dc = MOVES[move]
        r, c = self.agv[0] + dr, self.agv[1] + dc
        bumped = not (0 <= r < GRID and 0 <= c < GRID) or (r, c) in SHELVES
        if not bumped:
            self.agv = (r, c)
        self.steps += 1
        reached = self.agv == self.goal
        reward = 10.0 if reached else (-1.0 if bumped else -0.1)
        return self.encode(), reward, reached or self.steps >= 60


class PackedReplay:
    # row layout: [state | move | reward | next_state | done]
    def __init__(self, capacity):
        self.row_len = STATE_DIM + 1 + 1 + STATE_DIM + 1
        self.data = torch.zeros(capacity, self.row_len)
        self.capacity, self.ptr, self.full = capacity, 0, False

    def push(self, s, move, r, s2, done):
        row = torch.cat([s, torch.tensor([move, r]), s2, torch.tensor([float(done)])])
        self.data[self.ptr] = row
        self.ptr = (self.ptr + 1) % self.capacity
        self.full = self.full or self.ptr == 0

    def __len__(self):
        return self.capacity if self.full else self.ptr

    def sample(self, n):
        rows = self.data[torch.randint(0, len(self), (n,))]
        s = rows[:, :STATE_DIM]
        move = rows[:, STATE_DIM:STATE_DIM + 1].long()
        r = rows[:, STATE_DIM + 1]
        s2 = rows[:, STATE_DIM + 2:2 * STATE_DIM + 2]
        done = rows[:, -1]
        return s, move, r, s2, done


def make_qnet():
    return nn.Sequential(nn.Linear(STATE_DIM, 128), nn.ReLU(), nn.Linear(128, N_MOVES))


qnet, target = make_qnet(), make_qnet()
target.load_state_dict(qnet.state_dict())
opt = torch.optim.Adam(qnet.parameters(), lr=1e-3)
buffer = PackedReplay(5000)
env = WarehouseGrid()
gamma, batch_size, eps = 0.95, 64, 1.0


def td_step():
    s, move, r, s2, done = buffer.sample(batch_size)
    q_taken = qnet(s).gather(1, move).squeeze(1)
    with torch.no_grad():
        q_next = target(s2).max(1).values
        y = r + gamma * (1.0 - done) * q_next
    loss = F.smooth_l1_loss(q_taken, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


for episode in range(5):
    state = env.reset()
    done, ep_ret, losses = False, 0.0, []
    while not done:
        if random.random() < eps:
            move = random.randrange(N_MOVES)
        else:
            with torch.no_grad():
                move = int(qnet(state).argmax())
        nxt, reward, done = env.step(move)
        buffer.push(state, move, reward, nxt, done)
        state, ep_ret = nxt, ep_ret + reward
        if len(buffer) >= 200:
            losses.append(td_step())
    eps = max(0.05, eps * 0.93)
    if episode % 10 == 0:
        target.load_state_dict(qnet.state_dict())
        avg = sum(losses) / max(1, len(losses))
        print(f"ep {episode:3d} return {ep_ret:6.1f} eps {eps:.2f} loss {avg:.4f}")
