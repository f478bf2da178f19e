# Live win-probability model for 5v5 MOBA matches.
# Each match is a timeline of state snapshots (gold diff, xp diff, kills diff,
# towers diff, dragons diff, baron flag) taken by the replay parser every
# SNAPSHOT_EVERY_MIN minutes; the target is whether radiant/blue side won.
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "seed": 1234,
    "n_matches": 96,
    "min_duration_min": 18,
    "max_duration_min": 52,
    "snapshot_every_min": 2,
    "n_feats": 6,
    "hidden": 48,
    "lr": 2e-3,
    "epochs": 2,
    "late_game_weight": 2.0,
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


def simulate_match(rng, duration_min):
    """Fake replay-parser output: cumulative state every snapshot_every_min minutes."""
    step = CFG["snapshot_every_min"]
    n_snap = duration_min // step
    strength = rng.normal(0, 1)
    gold = np.cumsum(rng.normal(strength * 350, 900, size=n_snap))
    xp = np.cumsum(rng.normal(strength * 300, 800, size=n_snap))
    kills = np.cumsum(rng.poisson(1.2 + max(strength, 0), n_snap) - rng.poisson(1.2 + max(-strength, 0), n_snap))
    towers = np.clip(np.cumsum(rng.binomial(1, 0.15, n_snap) * np.sign(gold + 1e-6)), -11, 11)
    dragons = np.cumsum(rng.binomial(1, 0.1, n_snap) * np.sign(strength + 1e-6))
    minutes = np.arange(1, n_snap + 1) * step
    baron = ((minutes > 20) & (rng.random(n_snap) < 0.08)).astype(np.float64) * np.sign(gold)
    feats = np.stack([gold / 1e4, xp / 1e4, kills / 10, towers / 11, dragons / 4, baron], axis=1)
    won = float(gold[-1] + rng.normal(0, 1500) > 0)
    return {
        "duration_min": duration_min,
        "timeline": torch.tensor(feats, dtype=torch.float32),
        "radiant_win": won,
    }


def make_matches(n):
    rng = np.random.default_rng(CFG["seed"])
    durations = rng.integers(CFG["min_duration_min"], CFG["max_duration_min"] + 1, size=n)
    return [simulate_match(rng, int(d)) for d in durations]


def standardize(matches):
    allf = torch.cat([m["timeline"] for m in matches])
    mu, sd = allf.mean(0), allf.std(0).clamp_min(1e-4)
    for m in matches:
        m["timeline"] = (m["timeline"] - mu) / sd
    return mu, sd


def init_params(n_feats, hidden):
    gru = nn.GRU(n_feats, hidden, batch_first=True)
    head = nn.Linear(hidden, 1)
    return gru, head


def win_logits(gru, head, timeline):
    out, _ = gru(timeline.unsqueeze(0))
    return head(out).squeeze(0).squeeze(-1)


def time_weighted_bce(logits, outcome, duration_min):
    # later in the game the outcome should be more predictable -> weight it more
    target = torch.tensor(outcome)
    total = logits.new_zeros(())
    norm = 0.0
    for minute in range(duration_min):
        w = 1.0 + CFG["late_game_weight"] * minute / duration_min
        total = total + w * F.binary_cross_entropy_with_logits(logits[minute], target)
        norm += w
    return total / norm


def train(matches, gru, head):
    params = list(gru.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        random.shuffle(matches)
        ep_loss = 0.0
        for m in matches:
            logits = win_logits(gru, head, m["timeline"])
            loss = time_weighted_bce(logits, m["radiant_win"], m["duration_min"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            ep_loss += loss.item()
        print(f"epoch {epoch}: loss {ep_loss / len(matches):.4f}")


@torch.no_grad()
def brier_at_minute(matches, gru, head, minute):
    idx = minute // CFG["snapshot_every_min"] - 1
    errs = []
    for m in matches:
        if idx < m["timeline"].shape[0]:
            p = torch.sigmoid(win_logits(gru, head, m["timeline"])[idx]).item()
            errs.append((p - m["radiant_win"]) ** 2)
    return float(np.mean(errs)) if errs else math.nan


def main():
    matches = make_matches(CFG["n_matches"])
    split = int(0.75 * len(matches))
    train_m, test_m = matches[:split], matches[split:]
    standardize(train_m + test_m)
    gru, head = init_params(CFG["n_feats"], CFG["hidden"])
    train(train_m, gru, head)
    for minute in (10, 20, 30):
        print(f"brier@{minute}min: {brier_at_minute(test_m, gru, head, minute):.4f}")


if __name__ == "__main__":
    main()
