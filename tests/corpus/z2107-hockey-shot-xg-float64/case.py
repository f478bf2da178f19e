"""Expected-goals (xG) model for NHL-style shot events: geometry of the shot, shot type,
game state and a learned shooter embedding -> probability the shot is a goal."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(21)
torch.manual_seed(21)

NET_X, NET_Y = 89.0, 0.0
SHOT_TYPES = ["wrist", "slap", "snap", "backhand", "tip-in", "deflected"]
STRENGTH = {"5v5": 0, "5v4": 1, "4v5": 2}
N_SHOOTERS = 40


def simulate_shots(n):
    x = rng.uniform(25.0, 88.0, n)
    y = rng.uniform(-40.0, 40.0, n)
    shot_type = rng.integers(0, len(SHOT_TYPES), n)
    strength = rng.integers(0, len(STRENGTH), n)
    rebound = rng.random(n) < 0.12
    secs_since_last = rng.exponential(9.0, n)
    shooter = rng.integers(0, N_SHOOTERS, n)
    dist = np.hypot(NET_X - x, NET_Y - y)
    logit = -1.2 - 0.06 * dist + 1.1 * rebound + 0.4 * (strength == 1)
    goal = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    return {
        "x": x, "y": y, "shot_type": shot_type, "strength": strength,
        "rebound": rebound, "secs_since_last": secs_since_last,
        "shooter": shooter, "goal": goal,
    }


def shot_features(events):
    dx = NET_X - events["x"]
    dy = np.abs(NET_Y - events["y"])
    distance = np.hypot(dx, dy)
    angle = np.degrees(np.arctan2(dy, dx))
    numeric = np.stack([distance, angle, np.log1p(events["secs_since_last"])], axis=1)
    numeric = (numeric - numeric.mean(0)) / numeric.std(0)
    type_onehot = np.eye(len(SHOT_TYPES))[events["shot_type"]]
    strength_onehot = np.eye(len(STRENGTH))[events["strength"]]
    rebound = events["rebound"][:, None].astype(np.float32)
    return np.concatenate([numeric, type_onehot, strength_onehot, rebound], axis=1)


class ShotXG(nn.Module):
    def __init__(self, n_feats, n_shooters, shooter_dim=8):
        super().__init__()
        self.shooter_emb = nn.Embedding(n_shooters, shooter_dim)
        self.mlp = nn.Sequential(
            nn.Linear(n_feats + shooter_dim, 32),
            nn.ReLU(),
            nn.Linear(32, 16),
            nn.ReLU(),
            nn.Linear(16, 1),
        )

    def forward(self, feats, shooter_ids):
        z = torch.cat([feats, self.shooter_emb(shooter_ids)], dim=1)
        return self.mlp(z).squeeze(1)


def to_tensors(events):
    feats = torch.from_numpy(shot_features(events))
    shooters = torch.from_numpy(events["shooter"]).long()
    goals = torch.from_numpy(events["goal"]).float()
    return feats, shooters, goals


def fit(model, train, epochs=20, batch=128):
    feats, shooters, goals = train
    pos_rate = goals.mean().clamp(min=1e-3)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=(1 - pos_rate) / pos_rate)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(epochs):
        perm = torch.randperm(len(goals))
        total = 0.0
        for i in range(0, len(goals), batch):
            idx = perm[i:i + batch]
            logits = model(feats[idx], shooters[idx])
            loss = loss_fn(logits, goals[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d}  bce {total / len(goals):.4f}")


def main():
    train = to_tensors(simulate_shots(3000))
    test = to_tensors(simulate_shots(800))
    model = ShotXG(n_feats=train[0].shape[1], n_shooters=N_SHOOTERS)
    fit(model, train)

    model.eval()
    with torch.no_grad():
        xg = torch.sigmoid(model(test[0], test[1])).numpy()
    auc = roc_auc_score(test[2].numpy(), xg)
    print(f"test AUC {auc:.3f}  mean xG {xg.mean():.3f}  actual goal rate {test[2].mean():.3f}")


if __name__ == "__main__":
    main()
