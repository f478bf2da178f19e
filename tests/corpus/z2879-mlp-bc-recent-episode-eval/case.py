from collections import deque
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SEED = 21
OBS_DIM = 24
N_ACTIONS = 6
HIDDEN_SIZES = (128, 64)
FRAME_STACK = 3
N_EPISODES = 60
EPISODE_BUFFER_LEN = 50
EVAL_LAST = 8
BATCH_SIZE = 64
EPOCHS = 4
LR = 2e-3
DROPOUT = 0.1


@dataclass
class EpisodeStats:
    seen: int = 0
    dropped: int = 0
    lengths: list = field(default_factory=list)


def generate_episode(rng, idx):
    T = int(rng.integers(25, 70))
    state = rng.normal(size=OBS_DIM)
    obs, acts = [], []
    w = rng.normal(size=(OBS_DIM, N_ACTIONS)) * 0.2 + np.eye(OBS_DIM, N_ACTIONS)
    for _ in range(T):
        state = 0.9 * state + 0.3 * rng.normal(size=OBS_DIM)
        obs.append(state.copy())
        acts.append(int(np.argmax(state @ w)))
    return {
        "idx": idx,
        "obs": np.asarray(obs, dtype=np.float32),
        "actions": np.asarray(acts, dtype=np.int64),
        "score": float(rng.normal(100, 15)),
    }


def stack_frames(obs, k):
    pad = np.repeat(obs[:1], k - 1, axis=0)
    padded = np.concatenate([pad, obs], axis=0)
    return np.concatenate([padded[i:i + len(obs)] for i in range(k)], axis=1)


def to_arrays(episodes):
    xs = [stack_frames(ep["obs"], FRAME_STACK) for ep in episodes]
    ys = [ep["actions"] for ep in episodes]
    return np.concatenate(xs), np.concatenate(ys)


def build_mlp(in_dim, hidden, out_dim):
    layers, d = [], in_dim
    for h in hidden:
        layers += [nn.Linear(d, h), nn.LayerNorm(h), nn.GELU(), nn.Dropout(DROPOUT)]
        d = h
    layers.append(nn.Linear(d, out_dim))
    return nn.Sequential(*layers)


def fit(policy, x, y):
    ds = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, drop_last=True)
    opt = torch.optim.Adam(policy.parameters(), lr=LR)
    for epoch in range(EPOCHS):
        policy.train()
        losses = []
        for xb, yb in loader:
            loss = F.cross_entropy(policy(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: bc loss {np.mean(losses):.4f}")


@torch.no_grad()
def action_match_rate(policy, episodes):
    policy.eval()
    rates = []
    for ep in episodes:
        x = torch.from_numpy(stack_frames(ep["obs"], FRAME_STACK))
        pred = policy(x).argmax(-1).numpy()
        rates.append((pred == ep["actions"]).mean())
    return float(np.mean(rates))


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    stats = EpisodeStats()
    episode_buffer = deque(maxlen=EPISODE_BUFFER_LEN)
    for i in range(N_EPISODES):
        ep = generate_episode(rng, i)
        stats.seen += 1
        if ep["score"] < 80:
            stats.dropped += 1
            continue
        stats.lengths.append(len(ep["actions"]))
        episode_buffer.append(ep)
    print(f"episodes: seen={stats.seen} dropped={stats.dropped} "
          f"kept={len(episode_buffer)} mean_len={np.mean(stats.lengths):.1f}")

    train_eps = [ep for ep in episode_buffer if ep["idx"] % 5 != 0]
    x, y = to_arrays(train_eps)
    mean, std = x.mean(0), x.std(0) + 1e-6
    print("train frames:", x.shape, "action hist:", np.bincount(y, minlength=N_ACTIONS))

    policy = build_mlp(OBS_DIM * FRAME_STACK, HIDDEN_SIZES, N_ACTIONS)
    fit(policy, (x - mean) / std, y)

    recent = episode_buffer[-EVAL_LAST:]
    recent = [dict(ep, obs=(ep["obs"] - mean[:OBS_DIM]) / std[:OBS_DIM]) for ep in recent]
    print(f"match rate on last {EVAL_LAST} episodes: {action_match_rate(policy, recent):.3f}")


if __name__ == "__main__":
    main()
