import random
from collections import deque

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
N_EPISODES = 40
MAX_EP_LEN = 120
N_RAYS = 8
FRAME_STACK = 3
BUFFER_SIZE = 5000
BATCH_SIZE = 64
HIDDEN = 128
LR = 3e-4
EPOCHS = 3
STEPS_PER_EPOCH = 40

ACTIONS = ["up", "down", "left", "right", "fire", "jump"]
ACTION_TO_ID = {a: i for i, a in enumerate(ACTIONS, start=1)}
ID_TO_ACTION = {i: a for a, i in ACTION_TO_ID.items()}

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def fake_episode(rng, ep_idx):
    length = int(rng.integers(40, MAX_EP_LEN))
    pos = rng.normal(size=2)
    frames, acts = [], []
    for t in range(length):
        vel = rng.normal(scale=0.1, size=2)
        pos = pos + vel
        rays = np.clip(rng.random(N_RAYS) + 0.1 * np.sin(t / 5.0), 0.0, 1.0)
        frames.append(np.concatenate([pos, vel, rays]).astype(np.float32))
        if rays.min() < 0.15:
            a = "fire"
        elif vel[0] > 0.05:
            a = "right"
        elif vel[0] < -0.05:
            a = "left"
        else:
            a = ACTIONS[int(rng.integers(len(ACTIONS)))]
        acts.append(a)
    return {
        "id": ep_idx,
        "obs": np.stack(frames),
        "actions": [ACTION_TO_ID[a] for a in acts],
        "return": float(rng.normal(10, 3)),
    }


def stack_frames(obs, k):
    padded = np.concatenate([np.repeat(obs[:1], k - 1, axis=0), obs], axis=0)
    return np.stack([padded[i:i + len(obs)] for i in range(k)], axis=1).reshape(len(obs), -1)


def normalise(all_obs):
    mu = all_obs.mean(axis=0, keepdims=True)
    sd = all_obs.std(axis=0, keepdims=True) + 1e-6
    return mu, sd


class BCPolicy(nn.Module):
    def __init__(self, obs_dim, n_actions, hidden=HIDDEN):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(obs_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.pi = nn.Linear(hidden, n_actions)

    def forward(self, x):
        return self.pi(self.body(x))


def fill_buffer(episodes, mu, sd):
    buf = deque(maxlen=BUFFER_SIZE)
    for ep in episodes:
        stacked = stack_frames(ep["obs"], FRAME_STACK)
        stacked = (stacked - mu) / sd
        for o, a in zip(stacked, ep["actions"]):
            buf.append((o.astype(np.float32), a))
    return buf


def sample(buf, n):
    idx = np.random.randint(0, len(buf), size=n)
    obs = np.stack([buf[i][0] for i in idx])
    act = np.array([buf[i][1] for i in idx], dtype=np.int64)
    return torch.from_numpy(obs), torch.from_numpy(act)


def main():
    rng = np.random.default_rng(SEED)
    episodes = [fake_episode(rng, i) for i in range(N_EPISODES)]
    episodes.sort(key=lambda e: e["return"], reverse=True)
    keep = episodes[: int(0.75 * len(episodes))]
    print(f"kept {len(keep)} / {len(episodes)} episodes (top returns)")

    all_stacked = np.concatenate([stack_frames(e["obs"], FRAME_STACK) for e in keep])
    mu, sd = normalise(all_stacked)
    buf = fill_buffer(keep, mu, sd)
    obs_dim = all_stacked.shape[1]
    print(f"buffer size {len(buf)}, obs_dim {obs_dim}")

    policy = BCPolicy(obs_dim, len(ACTIONS))
    opt = torch.optim.Adam(policy.parameters(), lr=LR)

    for epoch in range(EPOCHS):
        running, correct, seen = 0.0, 0, 0
        for step in range(STEPS_PER_EPOCH):
            obs, act = sample(buf, BATCH_SIZE)
            logits = policy(obs)
            loss = F.cross_entropy(logits, act)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            opt.step()
            running += loss.item()
            correct += (logits.argmax(-1) == act).sum().item()
            seen += act.numel()
        print(f"epoch {epoch} loss {running / STEPS_PER_EPOCH:.4f} acc {correct / seen:.3f}")

    policy.eval()
    with torch.no_grad():
        probe, _ = sample(buf, 5)
        picks = policy(probe).argmax(-1).tolist()
    print("greedy actions:", [ID_TO_ACTION.get(p, "?") for p in picks])


if __name__ == "__main__":
    main()
