import random
from collections import deque
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

SEED = 3
N_RAYS = 8
N_ACTIONS = 5
OBS_DIM = 2 + 2 + N_RAYS + N_ACTIONS
EMBED = 64
GRU_HIDDEN = 96
WINDOW = 16
BATCH = 32
REPLAY_MAXLEN = 256
N_EPISODES = 48
UPDATES = 60
LR = 1e-3

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


@dataclass
class PolicyConfig:
    obs_dim: int = OBS_DIM
    embed: int = EMBED
    hidden: int = GRU_HIDDEN
    n_actions: int = N_ACTIONS
    dropout: float = 0.1


def simulate_episode(ep_id):
    T = np.random.randint(WINDOW + 4, 90)
    pos = np.zeros((T, 2), np.float32)
    vel = np.random.normal(0, 0.2, (T, 2)).astype(np.float32)
    pos[1:] = np.cumsum(vel[:-1], axis=0)
    rays = np.random.uniform(0, 1, (T, N_RAYS)).astype(np.float32)
    acts = np.where(rays[:, :4].min(1) < 0.1, 4,
                    np.argmax(np.abs(vel) * np.array([1.0, 0.5]), axis=1) * 2 + (vel[:, 0] > 0))
    acts = np.clip(acts, 0, N_ACTIONS - 1).astype(np.int64)
    return {"id": ep_id, "pos": pos, "vel": vel, "rays": rays, "actions": acts,
            "score": float(rays.mean() * 100)}


def featurize(ep):
    prev = np.concatenate([[0], ep["actions"][:-1]])
    prev_onehot = np.eye(N_ACTIONS, dtype=np.float32)[prev]
    feats = np.concatenate([ep["pos"], ep["vel"], ep["rays"], prev_onehot], axis=1)
    feats[:, :2] -= feats[:1, :2]
    return feats


def windows(episodes):
    for ep in episodes:
        x = featurize(ep)
        y = ep["actions"]
        for start in range(0, len(x) - WINDOW + 1, WINDOW // 2):
            yield x[start:start + WINDOW], y[start:start + WINDOW]


class GRUPolicy(nn.Module):
    def __init__(self, cfg: PolicyConfig):
        super().__init__()
        self.inp = nn.Sequential(nn.Linear(cfg.obs_dim, cfg.embed), nn.Tanh())
        self.gru = nn.GRU(cfg.embed, cfg.hidden, batch_first=True)
        self.drop = nn.Dropout(cfg.dropout)
        self.out = nn.Linear(cfg.hidden, cfg.n_actions)

    def forward(self, obs, h0=None):
        z = self.inp(obs)
        seq, h = self.gru(z, h0)
        return self.out(self.drop(seq)), h


class WindowReplay:
    def __init__(self, maxlen):
        self.buf = deque(maxlen=maxlen)

    def extend(self, items):
        self.buf.extend(items)

    def __len__(self):
        return len(self.buf)

    def sample(self, n):
        picks = random.sample(range(len(self.buf)), n)
        xs, ys = zip(*(self.buf[i] for i in picks))
        return torch.as_tensor(np.stack(xs)), torch.as_tensor(np.stack(ys))


def main():
    cfg = PolicyConfig()
    episodes = [simulate_episode(i) for i in range(N_EPISODES)]
    episodes = [e for e in episodes if e["score"] > 40.0]
    replay = WindowReplay(REPLAY_MAXLEN)
    replay.extend(windows(episodes))
    print(f"{len(episodes)} episodes -> {len(replay)} windows")

    policy = GRUPolicy(cfg)
    opt = torch.optim.Adam(policy.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()

    history = []
    for it in range(UPDATES):
        obs, act = replay.sample(BATCH)
        logits, _ = policy(obs)
        loss = loss_fn(logits.reshape(-1, cfg.n_actions), act.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 5.0)
        opt.step()
        history.append(loss.item())
        if it % 20 == 0:
            print(f"update {it:3d} loss {np.mean(history[-20:]):.4f}")

    policy.eval()
    with torch.no_grad():
        x = torch.as_tensor(featurize(episodes[0]))[None]
        logits, h = policy(x)
        agree = (logits.argmax(-1)[0].numpy() == episodes[0]["actions"]).mean()
    print(f"final loss {history[-1]:.4f}, ep0 agreement {agree:.2f}, h {tuple(h.shape)}")


if __name__ == "__main__":
    main()
