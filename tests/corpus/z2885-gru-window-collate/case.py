import math
from collections import deque

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SEED = 1234
N_EPISODES = 60
OBS_DIM = 12
N_ACTIONS = 6
SEQ_LEN = 32
MIN_LEN = 16
BATCH_SIZE = 16
EPOCHS = 2
LR = 1e-3
GRU_HIDDEN = 64
REPLAY_MAXLEN = 500
FRAME_SKIP = 2


def rollout_episode(rng, ep_id):
    length = int(rng.integers(18, 90))
    pos = rng.normal(size=2)
    vel = np.zeros(2)
    frames, actions, rewards = [], [], []
    for t in range(length):
        enemy = rng.normal(size=2) * 0.5 + pos
        obs = np.concatenate([
            pos, vel, enemy - pos,
            [math.sin(t / 10.0), math.cos(t / 10.0)],
            rng.normal(size=OBS_DIM - 8) * 0.1,
        ])
        act = int(np.argmax(np.abs(np.concatenate([enemy - pos, vel, [0.1, 0.05]]))))
        vel = 0.9 * vel + rng.normal(size=2) * 0.05
        pos = pos + vel
        frames.append(obs.astype(np.float32))
        actions.append(act)
        rewards.append(float(-np.linalg.norm(enemy - pos)))
    return {
        "id": ep_id,
        "obs": np.stack(frames),
        "actions": np.asarray(actions, dtype=np.int64),
        "rewards": np.asarray(rewards, dtype=np.float32),
    }


def subsample(ep, skip):
    return {k: (v[::skip] if isinstance(v, np.ndarray) else v) for k, v in ep.items()}


def normalize_obs(buffer):
    all_obs = np.concatenate([ep["obs"] for ep in buffer], axis=0)
    mu = all_obs.mean(axis=0, keepdims=True)
    sigma = all_obs.std(axis=0, keepdims=True) + 1e-6
    for ep in buffer:
        ep["obs"] = (ep["obs"] - mu) / sigma
    return mu, sigma


class WindowDataset(Dataset):
    def __init__(self, episodes, seq_len, seed=0):
        self.episodes = list(episodes)
        self.seq_len = seq_len
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.episodes) * 4

    def __getitem__(self, idx):
        ep = self.episodes[idx % len(self.episodes)]
        T = len(ep["actions"])
        start = int(self.rng.integers(0, max(1, T - self.seq_len + 1)))
        sl = slice(start, start + self.seq_len)
        return {
            "obs": torch.from_numpy(ep["obs"][sl]).float(),
            "actions": torch.from_numpy(ep["actions"][sl]),
        }


class GRUPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Sequential(nn.Linear(OBS_DIM, GRU_HIDDEN), nn.Tanh())
        self.gru = nn.GRU(GRU_HIDDEN, GRU_HIDDEN, batch_first=True)
        self.pi = nn.Linear(GRU_HIDDEN, N_ACTIONS)

    def forward(self, obs, h0=None):
        z = self.inp(obs)
        out, h = self.gru(z, h0)
        return self.pi(out), h


def train():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)

    replay = deque(maxlen=REPLAY_MAXLEN)
    for i in range(N_EPISODES):
        replay.append(subsample(rollout_episode(rng, i), FRAME_SKIP))

    normalize_obs(replay)
    usable = [ep for ep in replay if len(ep["actions"]) >= MIN_LEN]
    print(f"{len(usable)}/{len(replay)} episodes usable")

    ds = WindowDataset(usable, SEQ_LEN, seed=SEED)
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True)

    policy = GRUPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=LR)

    for epoch in range(EPOCHS):
        running, n = 0.0, 0
        for batch in loader:
            logits, _ = policy(batch["obs"])
            loss = F.cross_entropy(logits.reshape(-1, N_ACTIONS), batch["actions"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
            opt.step()
            running += loss.item()
            n += 1
        print(f"epoch {epoch}: mean bc loss {running / n:.4f}")

    with torch.no_grad():
        ep = usable[0]
        logits, _ = policy(torch.from_numpy(ep["obs"]).float().unsqueeze(0))
        acc = (logits.argmax(-1).squeeze(0).numpy() == ep["actions"]).mean()
        print(f"episode {ep['id']} action match: {acc:.2%}")


if __name__ == "__main__":
    train()
