import math
from collections import deque

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

SEED = 21
OBS_DIM = 6
N_ACTIONS = 4
HIDDEN = 64
ROUNDS = 4
EPISODES_PER_ROUND = 12
EP_LEN = 50
REPLAY_CAP = 200
MAX_AGE = 1
BATCH = 128
EPOCHS_PER_ROUND = 2
LR = 2e-3
BETA0 = 1.0
BETA_DECAY = 0.5

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def expert_action(obs):
    dx, dy = obs[0] - obs[2], obs[1] - obs[3]
    if abs(dx) > abs(dy):
        return 0 if dx > 0 else 1
    return 2 if dy > 0 else 3


MOVES = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], dtype=np.float32) * 0.1


def rollout(policy, beta):
    agent = rng.uniform(-1, 1, 2).astype(np.float32)
    goal = rng.uniform(-1, 1, 2).astype(np.float32)
    obs_list, act_list, rew = [], [], 0.0
    for t in range(EP_LEN):
        obs = np.concatenate([agent, goal, [math.sin(t / 8.0), t / EP_LEN]]).astype(np.float32)
        a_star = expert_action(obs)
        if rng.random() < beta:
            a = a_star
        else:
            with torch.no_grad():
                a = int(policy(torch.from_numpy(obs)[None]).argmax(-1))
        obs_list.append(obs)
        act_list.append(a_star)
        agent = np.clip(agent + MOVES[a] + rng.normal(0, 0.02, 2).astype(np.float32), -1, 1)
        rew -= float(np.linalg.norm(agent - goal))
    return {"obs": np.stack(obs_list), "act": np.array(act_list, np.int64),
            "return": rew, "age": 0}


def make_policy():
    return nn.Sequential(
        nn.Linear(OBS_DIM, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, N_ACTIONS),
    )


def to_loader(replay):
    obs = np.concatenate([ep["obs"] for ep in replay])
    act = np.concatenate([ep["act"] for ep in replay])
    ds = TensorDataset(torch.from_numpy(obs), torch.from_numpy(act))
    return DataLoader(ds, batch_size=BATCH, shuffle=True)


def fit(policy, opt, loader):
    crit = nn.CrossEntropyLoss()
    policy.train()
    for _ in range(EPOCHS_PER_ROUND):
        losses = []
        for xb, yb in loader:
            loss = crit(policy(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    policy.eval()
    return float(np.mean(losses))


def age_and_prune(replay):
    for ep in replay:
        ep["age"] += 1
    for ep in list(replay):
        if ep["age"] > MAX_AGE:
            replay.remove(ep)


def main():
    policy = make_policy()
    opt = torch.optim.Adam(policy.parameters(), lr=LR)
    replay = deque(maxlen=REPLAY_CAP)
    beta = BETA0
    for rnd in range(ROUNDS):
        fresh = [rollout(policy, beta) for _ in range(EPISODES_PER_ROUND)]
        replay.extend(fresh)
        mean_ret = np.mean([ep["return"] for ep in fresh])
        loss = fit(policy, opt, to_loader(replay))
        print(f"round {rnd}: beta {beta:.2f} episodes {len(replay)} "
              f"mean return {mean_ret:.1f} bc loss {loss:.4f}")
        age_and_prune(replay)
        beta *= BETA_DECAY

    test = [rollout(policy, 0.0) for _ in range(5)]
    print("policy-only return:", np.mean([ep["return"] for ep in test]))


if __name__ == "__main__":
    main()
