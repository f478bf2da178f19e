"""Possession value model on match event data: given the last 12 on-ball events
of a possession, predict whether the possession ends in a shot."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

RNG = np.random.default_rng(42)
torch.manual_seed(42)

EVENT_TYPES = ["pass", "carry", "dribble", "cross", "clearance", "interception", "tackle", "shot", "foul"]
TYPE2ID = {t: i for i, t in enumerate(EVENT_TYPES)}
NUM_COLS = ["x", "y", "end_x", "end_y", "time_s", "duration_s"]
PITCH_X, PITCH_Y = 105.0, 68.0
SEQ_LEN = 12
HIDDEN = 32
BATCH = 64
EPOCHS = 3


def simulate_match(match_id, n_events=900):
    rows = []
    x, y, t = 52.5, 34.0, 0.0
    for _ in range(n_events):
        etype = RNG.choice(EVENT_TYPES, p=[0.45, 0.2, 0.06, 0.05, 0.06, 0.06, 0.06, 0.03, 0.03])
        dx = RNG.normal(6.0 if etype in ("pass", "carry", "cross") else 0.0, 8.0)
        dy = RNG.normal(0.0, 7.0)
        ex, ey = float(np.clip(x + dx, 0, PITCH_X)), float(np.clip(y + dy, 0, PITCH_Y))
        dur = float(RNG.gamma(2.0, 0.8))
        rows.append({"match_id": match_id, "type": etype, "x": x, "y": y, "end_x": ex, "end_y": ey,
                     "time_s": t, "duration_s": dur})
        t += dur + RNG.exponential(2.0)
        if etype in ("clearance", "interception", "tackle", "foul", "shot"):
            x, y = float(RNG.uniform(10, 95)), float(RNG.uniform(5, 63))
        else:
            x, y = ex, ey
    return rows


def events_to_arrays(events):
    types = np.array([TYPE2ID[e["type"]] for e in events], dtype=np.int64)
    num = np.array([[e[c] for c in NUM_COLS] for e in events], dtype=np.float32)
    return types, num


def add_geometry(num):
    gx, gy = PITCH_X, PITCH_Y / 2
    dist = np.hypot(gx - num[:, 2], gy - num[:, 3])
    angle = np.abs(np.arctan2(gy - num[:, 3], gx - num[:, 2]))
    return np.concatenate([num, dist[:, None], angle[:, None]], axis=1).astype(np.float32)


def build_windows(types, num):
    X_type, X_num, y = [], [], []
    shot_id = TYPE2ID["shot"]
    for end in range(SEQ_LEN, len(types) - 3):
        window_t = types[end - SEQ_LEN:end]
        if shot_id in window_t:
            continue
        X_type.append(window_t)
        X_num.append(num[end - SEQ_LEN:end])
        y.append(float(shot_id in types[end:end + 3]))
    return np.stack(X_type), np.stack(X_num), np.array(y, dtype=np.float32)


def fit_scaler(num):
    mean = num.mean(axis=0)
    std = num.std(axis=0) + 1e-6
    return torch.from_numpy(mean), torch.from_numpy(std)


def init_params(n_num):
    emb = nn.Embedding(len(EVENT_TYPES), 8)
    gru = nn.GRU(8 + n_num, HIDDEN, batch_first=True)
    head = nn.Linear(HIDDEN, 1)
    return emb, gru, head


def forward(modules, x_type, x_num, scaler):
    emb, gru, head = modules
    mean, std = scaler
    x_num = (x_num - mean) / std
    h = torch.cat([emb(x_type), x_num], dim=-1)
    _, h_n = gru(h)
    return head(h_n[-1]).squeeze(-1)


def main():
    all_events = []
    for m in range(4):
        all_events.extend(simulate_match(m))
    types, num = events_to_arrays(all_events)
    scaler = fit_scaler(num)

    num = add_geometry(num)
    Xt, Xn, y = build_windows(types, num)
    print(f"{len(y)} windows, shot rate {y.mean():.3f}, numeric features {Xn.shape[-1]}")

    Xt, Xn, y = torch.from_numpy(Xt), torch.from_numpy(Xn), torch.from_numpy(y)
    split = int(0.8 * len(y))

    modules = init_params(Xn.shape[-1])
    params = [p for m in modules for p in m.parameters()]
    opt = torch.optim.Adam(params, lr=2e-3)
    pos_weight = (1 - y[:split].mean()) / y[:split].mean().clamp_min(1e-3)

    for epoch in range(EPOCHS):
        perm = torch.randperm(split)
        total = 0.0
        for i in range(0, split, BATCH):
            idx = perm[i:i + BATCH]
            logits = forward(modules, Xt[idx], Xn[idx], scaler)
            loss = F.binary_cross_entropy_with_logits(logits, y[idx], pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        with torch.no_grad():
            val_logits = forward(modules, Xt[split:], Xn[split:], scaler)
            val_loss = F.binary_cross_entropy_with_logits(val_logits, y[split:], pos_weight=pos_weight)
        print(f"epoch {epoch}: train {total / split:.4f}  val {val_loss.item():.4f}")


if __name__ == "__main__":
    main()
