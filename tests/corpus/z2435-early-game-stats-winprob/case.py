"""Win probability at the 10-minute mark from aggregated player stats.
Features are team differences (radiant - dire) of laning stats, scaled with
sklearn and fed to a small MLP. Also reports calibration on the holdout."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

SEED = 21
N_MATCHES = 3000
STAT_COLS = ["kills", "deaths", "assists", "last_hits", "denies", "gpm", "xpm",
             "hero_damage", "tower_damage", "wards_placed"]
HPARAMS = dict(hidden=64, dropout=0.2, lr=2e-3, epochs=4, batch_size=128, wd=1e-4)

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def simulate_team_stats(n, skill):
    """Per-team sums over the 5 players at minute 10."""
    skill = np.clip(skill, -1.5, 1.5)
    kills = rng.poisson(4 + 2 * skill, n)
    deaths = rng.poisson(4 - 1.5 * skill, n)
    assists = rng.poisson(6 + 3 * skill, n)
    last_hits = rng.normal(180 + 25 * skill, 30, n).round()
    denies = rng.poisson(12 + 3 * skill, n)
    gpm = rng.normal(2000 + 180 * skill, 150, n)
    xpm = rng.normal(2300 + 200 * skill, 170, n)
    hero_damage = rng.gamma(5, 1400 + 200 * skill, n)
    tower_damage = rng.exponential(300 + 150 * skill.clip(0, None), n)
    wards = rng.poisson(8, n)
    return np.column_stack([kills, deaths, assists, last_hits, denies, gpm, xpm,
                            hero_damage, tower_damage, wards])


def make_dataset(n):
    skill_gap = rng.normal(0, 1, n)
    radiant = simulate_team_stats(n, skill_gap / 2)
    dire = simulate_team_stats(n, -skill_gap / 2)
    diff = radiant - dire
    kda_r = (radiant[:, 0] + radiant[:, 2]) / np.maximum(radiant[:, 1], 1)
    kda_d = (dire[:, 0] + dire[:, 2]) / np.maximum(dire[:, 1], 1)
    X = np.column_stack([diff, kda_r - kda_d])
    p_win = 1 / (1 + np.exp(-(1.3 * skill_gap + rng.normal(0, 0.7, n))))
    y = (rng.random(n) < p_win).astype(np.float32)
    return X, y


def build_mlp(n_in, hidden, dropout):
    return nn.Sequential(
        nn.Linear(n_in, hidden), nn.GELU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden // 2), nn.GELU(),
        nn.Linear(hidden // 2, 1),
    )


def to_tensors(X, y):
    return TensorDataset(torch.from_numpy(X), torch.from_numpy(y))


def expected_calibration_error(probs, y, n_bins=10):
    bins = np.linspace(0, 1, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = (probs >= lo) & (probs < hi)
        if sel.any():
            ece += sel.mean() * abs(probs[sel].mean() - y[sel].mean())
    return ece


X, y = make_dataset(N_MATCHES)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
print(f"features: {STAT_COLS + ['kda_diff']}  train={len(X_tr)} test={len(X_te)}")

train_dl = DataLoader(to_tensors(X_tr, y_tr), batch_size=HPARAMS["batch_size"], shuffle=True)
test_ds = to_tensors(X_te, y_te)

model = build_mlp(X_tr.shape[1], HPARAMS["hidden"], HPARAMS["dropout"])
opt = torch.optim.AdamW(model.parameters(), lr=HPARAMS["lr"], weight_decay=HPARAMS["wd"])
criterion = nn.BCEWithLogitsLoss()

for epoch in range(HPARAMS["epochs"]):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_dl:
        loss = criterion(model(xb).squeeze(-1), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(yb)
    print(f"epoch {epoch}: bce={epoch_loss / len(X_tr):.4f}")

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(test_ds.tensors[0]).squeeze(-1)).numpy()
print(f"holdout AUC={roc_auc_score(y_te, probs):.3f} "
      f"ECE={expected_calibration_error(probs, y_te):.3f}")
