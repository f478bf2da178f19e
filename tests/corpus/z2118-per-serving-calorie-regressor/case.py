"""Regress calories per serving from the ingredient gram amounts of a recipe.
Recipes are generated from a small nutrient table so the target is known."""
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(11)
torch.manual_seed(11)

# kcal per gram of each pantry item
NUTRIENT_KCAL = {
    "oats": 3.89, "banana": 0.89, "peanut_butter": 5.88, "olive_oil": 8.84,
    "chicken": 1.65, "rice": 1.30, "broccoli": 0.34, "cheddar": 4.02,
    "lentils": 1.16, "yogurt": 0.59, "honey": 3.04, "almonds": 5.79,
}
PANTRY = list(NUTRIENT_KCAL)


def synth_recipes(n_recipes):
    """Gram amounts per ingredient (most entries zero) and number of servings."""
    grams = np.zeros((n_recipes, len(PANTRY)), dtype=np.float32)
    for r in range(n_recipes):
        used = rng.choice(len(PANTRY), size=rng.integers(3, 7), replace=False)
        grams[r, used] = rng.uniform(10, 250, size=len(used))
    servings = rng.integers(1, 7, size=n_recipes)
    return grams, servings


def kcal_per_serving(grams, servings):
    kcal_vec = np.array([NUTRIENT_KCAL[p] for p in PANTRY], dtype=np.float32)
    total = grams @ kcal_vec
    return (total / servings).astype(np.float32)


def build_features(grams, servings):
    per_serving = grams / servings[:, None]
    # log-scale the amounts, zeros stay zero
    return np.log1p(per_serving)


class CalorieMLP(nn.Module):
    def __init__(self, n_inputs, width=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_inputs, width), nn.ReLU(),
            nn.Linear(width, width), nn.ReLU(),
            nn.Linear(width, 1),
        )

    def forward(self, feats):
        return self.net(feats).squeeze(-1)


def make_loader(n_recipes, shuffle):
    grams, servings = synth_recipes(n_recipes)
    feats = build_features(grams, servings)
    kcal = kcal_per_serving(grams, servings)
    scale = 100.0
    ds = TensorDataset(torch.from_numpy(feats), torch.from_numpy(kcal / scale))
    return DataLoader(ds, batch_size=16, shuffle=shuffle)


def evaluate(model, loader):
    model.eval()
    err, count = 0.0, 0
    with torch.no_grad():
        for feats, target in loader:
            err += (model(feats) - target).abs().sum().item() * 100.0
            count += len(target)
    model.train()
    return err / count


def main():
    train_dl = make_loader(256, shuffle=True)
    val_dl = make_loader(64, shuffle=False)
    model = CalorieMLP(len(PANTRY))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    mse = nn.MSELoss()

    for epoch in range(6):
        for feats, target in train_dl:
            pred = model(feats)
            loss = mse(pred, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: val MAE {evaluate(model, val_dl):.1f} kcal/serving")

    example = np.zeros((1, len(PANTRY)), dtype=np.float32)
    example[0, PANTRY.index("oats")] = 80
    example[0, PANTRY.index("banana")] = 120
    example[0, PANTRY.index("peanut_butter")] = 30
    feats = torch.from_numpy(build_features(example, np.array([2])))
    with torch.no_grad():
        print("porridge, 2 servings:", round(model(feats).item() * 100.0), "kcal each")


if __name__ == "__main__":
    main()
