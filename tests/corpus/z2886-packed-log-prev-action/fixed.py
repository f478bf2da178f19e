import random
from collections import deque

import numpy as np
import torch
import torch.nn as nn

RNG_SEED = 2024
OBS_FEATURES = 10
NUM_ACTIONS = 9
ACT_EMBED = 8
HIDDEN_UNITS = 128
EPISODES = 40
MAX_EP_LEN = 120
BUFFER_SIZE = 20_000
BATCH = 64
ITERS = 30
LEARNING_RATE = 5e-4
LOG_EVERY = 10

OBS_SLICE = slice(0, OBS_FEATURES)
ACTION_COL = OBS_FEATURES
PREV_ACTION_COL = OBS_FEATURES + 1
REWARD_COL = OBS_FEATURES + 2
DONE_COL = OBS_FEATURES + 3


def fake_match_log(rng, n_eps):
    w = rng.normal(size=(OBS_FEATURES, NUM_ACTIONS))
    for ep in range(n_eps):
        T = int(rng.integers(30, MAX_EP_LEN))
        obs = rng.normal(size=(T, OBS_FEATURES)).cumsum(axis=0) * 0.1
        logits = obs @ w + rng.gumbel(size=(T, NUM_ACTIONS))
        actions = logits.argmax(axis=1)
        rewards = rng.normal(size=T) * 0.1 + (actions == 4)
        yield {"match_id": f"m{ep:04d}", "obs": obs, "actions": actions, "rewards": rewards}


def pack_episode(ep):
    T = len(ep["actions"])
    rows = np.zeros((T, OBS_FEATURES + 4), dtype=np.float32)
    rows[:, OBS_SLICE] = ep["obs"]
    rows[:, ACTION_COL] = ep["actions"]
    rows[1:, PREV_ACTION_COL] = ep["actions"][:-1]
    rows[0, PREV_ACTION_COL] = 0
    rows[:, REWARD_COL] = ep["rewards"]
    rows[-1, DONE_COL] = 1.0
    return rows


class TransitionBuffer:
    def __init__(self, capacity):
        self.rows = deque(maxlen=capacity)

    def add_episode(self, packed):
        self.rows.extend(packed)

    def __len__(self):
        return len(self.rows)

    def batches(self, batch_size, n_iters):
        for _ in range(n_iters):
            picked = np.stack(random.sample(self.rows, batch_size))
            yield {
                "obs": torch.from_numpy(picked[:, OBS_SLICE]),
                "prev_action": torch.from_numpy(picked[:, PREV_ACTION_COL].astype(np.int64)),
                "action": torch.from_numpy(picked[:, ACTION_COL].astype(np.int64)),
                "reward": torch.from_numpy(picked[:, REWARD_COL]),
            }


class BCPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.prev_act_embed = nn.Embedding(NUM_ACTIONS, ACT_EMBED)
        self.trunk = nn.Sequential(
            nn.Linear(OBS_FEATURES + ACT_EMBED, HIDDEN_UNITS),
            nn.ReLU(),
            nn.Linear(HIDDEN_UNITS, HIDDEN_UNITS),
            nn.ReLU(),
        )
        self.logits = nn.Linear(HIDDEN_UNITS, NUM_ACTIONS)

    def forward(self, obs, prev_action):
        a = self.prev_act_embed(prev_action)
        h = self.trunk(torch.cat([obs, a], dim=-1))
        return self.logits(h)


def obs_stats(buffer):
    arr = np.stack(buffer.rows)[:, OBS_SLICE]
    return arr.mean(0), arr.std(0) + 1e-5


def main():
    random.seed(RNG_SEED)
    torch.manual_seed(RNG_SEED)
    rng = np.random.default_rng(RNG_SEED)

    buf = TransitionBuffer(BUFFER_SIZE)
    for ep in fake_match_log(rng, EPISODES):
        buf.add_episode(pack_episode(ep))
    print(f"buffer: {len(buf)} transitions")

    mean, std = obs_stats(buf)
    mean_t = torch.from_numpy(mean)
    std_t = torch.from_numpy(std)

    policy = BCPolicy()
    optimizer = torch.optim.Adam(policy.parameters(), lr=LEARNING_RATE)
    criterion = nn.CrossEntropyLoss()

    for it, batch in enumerate(buf.batches(BATCH, ITERS)):
        obs = (batch["obs"] - mean_t) / std_t
        logits = policy(obs, batch["prev_action"])
        loss = criterion(logits, batch["action"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if it % LOG_EVERY == 0:
            acc = (logits.argmax(-1) == batch["action"]).float().mean().item()
            print(f"iter {it:3d}  loss {loss.item():.3f}  acc {acc:.2f}")


if __name__ == "__main__":
    main()
