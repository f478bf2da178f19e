import os
import time
from collections import deque, Counter

import numpy as np
import torch
import torch.nn as nn

SEED = 99
STATE_DIM = 16
N_ACTIONS = 5
HIDDEN = (96, 96)
DROPOUT = 0.1
N_LOGGED_GAMES = 80
MAX_REPLAY_GAMES = 64
VAL_HOLDOUT = 8
BATCH = 128
STEPS = 40
LR = 2e-3
WEIGHT_DECAY = 1e-4
ACTION_NAMES = ["idle", "advance", "retreat", "strafe", "fire"]


def generate_games(rng):
    proto = rng.normal(size=(N_ACTIONS, STATE_DIM))
    for g in range(N_LOGGED_GAMES):
        steps = int(rng.integers(40, 160))
        acts = rng.choice(N_ACTIONS, size=steps, p=[0.3, 0.25, 0.15, 0.15, 0.15])
        states = proto[acts] + rng.normal(scale=0.8, size=(steps, STATE_DIM))
        yield {
            "game_id": g,
            "started": time.time() - (N_LOGGED_GAMES - g) * 600,
            "states": states.astype(np.float32),
            "actions": acts.astype(np.int64),
            "winner": bool(rng.random() < 0.5),
        }


def build_policy():
    layers, d = [], STATE_DIM
    for h in HIDDEN:
        layers += [nn.Linear(d, h), nn.LayerNorm(h), nn.GELU(), nn.Dropout(DROPOUT)]
        d = h
    layers.append(nn.Linear(d, N_ACTIONS))
    return nn.Sequential(*layers)


def flatten(games):
    X = np.concatenate([g["states"] for g in games])
    y = np.concatenate([g["actions"] for g in games])
    return X, y


def make_sampler(X, y, rng):
    n = len(y)

    def sample():
        idx = rng.integers(0, n, size=BATCH)
        return torch.from_numpy(X[idx]), torch.from_numpy(y[idx])

    return sample


def make_class_weights(y):
    counts = Counter(y.tolist())
    freq = np.array([counts.get(a, 1) for a in range(N_ACTIONS)], dtype=np.float32)
    w = freq.sum() / (N_ACTIONS * freq)
    return torch.from_numpy(w)


def evaluate(policy, games):
    X, y = flatten(games)
    policy.eval()
    with torch.no_grad():
        pred = policy(torch.from_numpy(X)).argmax(-1).numpy()
    policy.train()
    per_action = {
        ACTION_NAMES[a]: float((pred[y == a] == a).mean()) if (y == a).any() else float("nan")
        for a in range(N_ACTIONS)
    }
    return float((pred == y).mean()), per_action


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)

    replay = deque(maxlen=MAX_REPLAY_GAMES)
    for game in generate_games(rng):
        if game["winner"] or len(game["actions"]) > 60:
            replay.append(game)
    print(f"kept {len(replay)} games in replay")

    ordered = sorted(replay, key=lambda g: g["started"])
    replay = deque(ordered, maxlen=MAX_REPLAY_GAMES)

    val_games = replay[-VAL_HOLDOUT:]
    train_games = [g for g in replay if g not in val_games]

    X, y = flatten(train_games)
    mu, sd = X.mean(0), X.std(0) + 1e-6
    X = (X - mu) / sd
    for g in val_games:
        g["states"] = (g["states"] - mu) / sd

    sample = make_sampler(X.astype(np.float32), y, rng)
    policy = build_policy()
    opt = torch.optim.AdamW(policy.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    loss_fn = nn.CrossEntropyLoss(weight=make_class_weights(y))

    for step in range(STEPS):
        xb, yb = sample()
        loss = loss_fn(policy(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    acc, per_action = evaluate(policy, val_games)
    print(f"holdout accuracy {acc:.3f}")
    for name, a in per_action.items():
        print(f"  {name:8s} {a:.3f}")


if __name__ == "__main__":
    main()
