"""Crop disease risk from field-station sensor readings, with active learning
plus self-training.

Each round an agronomist inspects the QUERY_K plots the model is least sure
about (highest entropy); plots the model is very confident about get
pseudo-labels. Both are added to the training set for the next round.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

SENSORS = ["air_temp", "rel_humidity", "leaf_wetness_h", "soil_moisture", "rain_mm", "wind_speed"]
RISK = ["healthy", "mildew", "blight"]
N_PLOTS = 600
N_SEED = 30
QUERY_K = 15
PSEUDO_THRESHOLD = 0.95
PSEUDO_PER_ROUND = 60
ROUNDS = 4


def simulate_field_stations():
    risk = rng.integers(0, len(RISK), size=N_PLOTS)
    centers = np.array([
        [22.0, 55.0, 2.0, 0.25, 1.0, 3.5],   # healthy
        [18.0, 85.0, 9.0, 0.35, 6.0, 1.5],   # mildew: cool, humid, wet leaves
        [27.0, 80.0, 6.0, 0.45, 12.0, 2.0],  # blight: warm and rainy
    ])
    spread = np.array([4.0, 12.0, 3.5, 0.12, 5.0, 1.5])
    readings = centers[risk] + rng.normal(size=(N_PLOTS, len(SENSORS))) * spread
    return readings, risk


def standardize(readings):
    mu = readings.mean(axis=0)
    sd = readings.std(axis=0) + 1e-6
    return (readings - mu) / sd


class RiskMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(len(SENSORS), 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        self.cls = nn.Linear(32, len(RISK))

    def forward(self, x):
        return self.cls(self.body(x))


def train(model, xs, ys, epochs=60):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        for idx in torch.randperm(len(ys)).split(32):
            loss = F.cross_entropy(model(xs[idx]), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


@torch.no_grad()
def predict_proba(model, feats):
    return model(torch.tensor(feats, dtype=torch.float32)).softmax(-1)


def main():
    readings, true_risk = simulate_field_stations()
    feats = standardize(readings)

    plot_ids = rng.permutation(N_PLOTS)
    labeled_plots = plot_ids[:N_SEED].tolist()
    unlabeled_plots = plot_ids[N_SEED:].tolist()

    train_x = torch.tensor(feats[labeled_plots], dtype=torch.float32)
    train_y = torch.tensor(true_risk[labeled_plots], dtype=torch.long)
    n_pseudo = 0
    pseudo_hits = 0

    for rnd in range(ROUNDS):
        model = RiskMLP()
        loss = train(model, train_x, train_y)

        probs = predict_proba(model, feats[unlabeled_plots])
        entropy = -(probs * probs.clamp_min(1e-8).log()).sum(-1)
        conf, guess = probs.max(-1)

        ask = entropy.argsort(descending=True)[:QUERY_K].tolist()
        asked = set(ask)
        by_conf = conf.argsort(descending=True).tolist()
        sure = [j for j in by_conf if conf[j] >= PSEUDO_THRESHOLD and j not in asked][:PSEUDO_PER_ROUND]

        inspected = [unlabeled_plots[j] for j in ask]
        pseudo_plots = [unlabeled_plots[j] for j in sure]
        new_plots = inspected + pseudo_plots
        new_y = torch.cat([torch.from_numpy(true_risk[inspected]), guess[sure]])

        train_x = torch.cat([train_x, torch.from_numpy(feats[new_plots])])
        train_y = torch.cat([train_y, new_y])
        labeled_plots += inspected
        n_pseudo += len(pseudo_plots)
        pseudo_hits += int((guess[sure].numpy() == true_risk[pseudo_plots]).sum())
        taken = set(new_plots)
        unlabeled_plots = [p for p in unlabeled_plots if p not in taken]

        with torch.no_grad():
            acc = (predict_proba(model, feats).argmax(-1).numpy() == true_risk).mean()
        print(f"round {rnd}: loss={loss:.3f} acc={acc:.3f} inspected={len(labeled_plots)} "
              f"pseudo={n_pseudo} pool={len(unlabeled_plots)}")

    print(f"done: {len(train_y)} training plots, {n_pseudo} pseudo-labelled, "
          f"pseudo-label precision {pseudo_hits / max(n_pseudo, 1):.3f}")


if __name__ == "__main__":
    main()
