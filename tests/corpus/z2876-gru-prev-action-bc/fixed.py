import collections
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
NUM_EPISODES = 40
OBS_DIM = 18
NUM_ACTIONS = 9
EMB_DIM = 16
HIDDEN = 64
CHUNK_LEN = 24
BATCH_SIZE = 16
REPLAY_CAPACITY = 2000
LR = 3e-4
TRAIN_STEPS = 60
START_TOKEN = NUM_ACTIONS

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def synth_episode(rng, ep_id):
    length = int(rng.integers(40, 120))
    obs = rng.normal(size=(length, OBS_DIM)).astype(np.float32)
    # scripted "expert": picks action from a linear projection of the obs
    proj = np.linspace(-1.0, 1.0, OBS_DIM * NUM_ACTIONS).reshape(OBS_DIM, NUM_ACTIONS)
    scores = obs @ proj + 0.3 * rng.normal(size=(length, NUM_ACTIONS))
    actions = scores.argmax(axis=1).astype(np.int64)
    rewards = (actions == (ep_id % NUM_ACTIONS)).astype(np.float32)
    return {"id": ep_id, "obs": obs, "actions": actions, "rewards": rewards, "len": length}


def normalize_obs(episodes):
    stacked = np.concatenate([ep["obs"] for ep in episodes], axis=0)
    mu = stacked.mean(axis=0, keepdims=True)
    sd = stacked.std(axis=0, keepdims=True) + 1e-6
    for ep in episodes:
        ep["obs"] = (ep["obs"] - mu) / sd
    return mu, sd


def chunk_episode(ep, chunk_len):
    acts = ep["actions"]
    prev = np.concatenate([[START_TOKEN], acts[:-1]]).astype(np.int64)
    out = []
    for start in range(0, ep["len"] - chunk_len + 1, chunk_len // 2):
        sl = slice(start, start + chunk_len)
        out.append((ep["obs"][sl], prev[sl], acts[sl]))
    return out


class PrevActionGRUPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.obs_enc = nn.Sequential(nn.Linear(OBS_DIM, HIDDEN), nn.ReLU())
        self.prev_action_emb = nn.Embedding(NUM_ACTIONS + 1, EMB_DIM)
        self.gru = nn.GRU(HIDDEN + EMB_DIM, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, NUM_ACTIONS)

    def forward(self, obs, prev_actions, h0=None):
        x = torch.cat([self.obs_enc(obs), self.prev_action_emb(prev_actions)], dim=-1)
        out, h = self.gru(x, h0)
        return self.head(out), h


def sample_batch(buffer, batch_size):
    items = random.sample(buffer, batch_size)
    obs = torch.from_numpy(np.stack([it[0] for it in items]))
    prev = torch.from_numpy(np.stack([it[1] for it in items]))
    tgt = torch.from_numpy(np.stack([it[2] for it in items]))
    return obs, prev, tgt


def main():
    rng = np.random.default_rng(SEED)
    episodes = [synth_episode(rng, i) for i in range(NUM_EPISODES)]
    normalize_obs(episodes)
    returns = np.array([ep["rewards"].sum() for ep in episodes])
    keep = [ep for ep, r in zip(episodes, returns) if r >= np.percentile(returns, 25)]
    print(f"kept {len(keep)}/{len(episodes)} episodes (return >= p25)")

    replay = collections.deque(maxlen=REPLAY_CAPACITY)
    for ep in keep:
        replay.extend(chunk_episode(ep, CHUNK_LEN))
    print(f"replay buffer: {len(replay)} chunks of {CHUNK_LEN} steps")

    policy = PrevActionGRUPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=LR)

    for step in range(TRAIN_STEPS):
        obs, prev, tgt = sample_batch(replay, BATCH_SIZE)
        logits, _ = policy(obs, prev)
        loss = F.cross_entropy(logits.reshape(-1, NUM_ACTIONS), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        if step % 20 == 0:
            acc = (logits.argmax(-1) == tgt).float().mean().item()
            print(f"step {step:3d} loss {loss.item():.4f} acc {acc:.3f}")

    # closed-loop rollout on a held-out episode, feeding back our own actions
    policy.eval()
    test_ep = synth_episode(rng, 999)
    test_ep["obs"] = test_ep["obs"].astype(np.float32)
    h = None
    prev_a = torch.tensor([[START_TOKEN]])
    agree = 0
    with torch.no_grad():
        for t in range(test_ep["len"]):
            o = torch.from_numpy(test_ep["obs"][t]).view(1, 1, -1)
            logits, h = policy(o, prev_a, h)
            a = logits[0, -1].argmax().item()
            agree += int(a == test_ep["actions"][t])
            prev_a = torch.tensor([[a]])
    print(f"rollout agreement with expert: {agree / test_ep['len']:.3f}")


if __name__ == "__main__":
    main()
