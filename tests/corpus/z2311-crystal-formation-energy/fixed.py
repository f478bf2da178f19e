"""Formation-energy regression for inorganic crystals from composition descriptors.

Magpie-style featurization: fraction-weighted mean / range / std of elemental properties,
plus a few structural descriptors (volume per atom, space-group number, density).
"""
import re
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


@dataclass
class TrainConfig:
    seed: int = 11
    n_samples: int = 400
    val_frac: float = 0.2
    batch_size: int = 32
    hidden: tuple = (64, 32)
    dropout: float = 0.1
    lr: float = 1e-3
    epochs: int = 5
    target: str = "e_form_eV_per_atom"
    elements: list = field(default_factory=lambda: ["Li", "Na", "Mg", "Al", "Si", "Ti", "Fe", "Co", "Ni", "Cu", "Zn", "O", "S", "F", "N"])


# Z, Pauling electronegativity, covalent radius (pm), group, row, Mendeleev number
ELEMENT_PROPS = {
    "Li": [3, 0.98, 128, 1, 2, 1],   "Na": [11, 0.93, 166, 1, 3, 2],
    "Mg": [12, 1.31, 141, 2, 3, 73], "Al": [13, 1.61, 121, 13, 3, 80],
    "Si": [14, 1.90, 111, 14, 3, 85], "Ti": [22, 1.54, 160, 4, 4, 43],
    "Fe": [26, 1.83, 132, 8, 4, 55], "Co": [27, 1.88, 126, 9, 4, 58],
    "Ni": [28, 1.91, 124, 10, 4, 61], "Cu": [29, 1.90, 132, 11, 4, 64],
    "Zn": [30, 1.65, 122, 12, 4, 69], "O": [8, 3.44, 66, 16, 2, 87],
    "S": [16, 2.58, 105, 16, 3, 88],  "F": [9, 3.98, 57, 17, 2, 93],
    "N": [7, 3.04, 71, 15, 2, 82],
}
ANIONS = {"O", "S", "F", "N"}


def parse_formula(formula):
    parts = re.findall(r"([A-Z][a-z]?)(\d*\.?\d*)", formula)
    comp = {el: float(n) if n else 1.0 for el, n in parts}
    total = sum(comp.values())
    return {el: n / total for el, n in comp.items()}


def featurize(formula, volume_per_atom, spacegroup):
    frac = parse_formula(formula)
    props = np.array([ELEMENT_PROPS[el] for el in frac])
    w = np.array(list(frac.values()))[:, None]
    mean = (w * props).sum(0)
    std = np.sqrt((w * (props - mean) ** 2).sum(0))
    rng_ = props.max(0) - props.min(0)
    struct = np.array([volume_per_atom, spacegroup / 230.0, len(frac)])
    return np.concatenate([mean, std, rng_, struct])


def synth_materials(cfg):
    rng = np.random.default_rng(cfg.seed)
    cations = [e for e in cfg.elements if e not in ANIONS]
    anions = [e for e in cfg.elements if e in ANIONS]
    formulas, vols, sgs, y = [], [], [], []
    for _ in range(cfg.n_samples):
        c, a = rng.choice(cations), rng.choice(anions)
        nc, na = rng.integers(1, 4), rng.integers(1, 5)
        formula = f"{c}{nc}{a}{na}"
        en_diff = ELEMENT_PROPS[a][1] - ELEMENT_PROPS[c][1]
        vol = rng.uniform(8, 30)
        sg = int(rng.integers(1, 231))
        e_form = -0.9 * en_diff + 0.01 * (vol - 15) + rng.normal(0, 0.08)
        formulas.append(formula); vols.append(vol); sgs.append(sg); y.append(e_form)
    X = np.stack([featurize(f, v, s) for f, v, s in zip(formulas, vols, sgs)])
    return formulas, X, np.array(y)


class CrystalDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X).float()
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


class FormationEnergyMLP(nn.Module):
    def __init__(self, n_in, cfg):
        super().__init__()
        layers, d = [], n_in
        for h in cfg.hidden:
            layers += [nn.Linear(d, h), nn.SiLU(), nn.Dropout(cfg.dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


def main(cfg: TrainConfig):
    torch.manual_seed(cfg.seed)
    formulas, X, y = synth_materials(cfg)
    n_val = int(cfg.val_frac * len(y))
    idx = np.random.default_rng(cfg.seed).permutation(len(y))
    tr, va = idx[n_val:], idx[:n_val]

    mu, sd = X[tr].mean(0), X[tr].std(0) + 1e-8
    X_std = (X - mu) / sd

    train_dl = DataLoader(CrystalDataset(X_std[tr], y[tr]), batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(CrystalDataset(X_std[va], y[va]), batch_size=cfg.batch_size)

    model = FormationEnergyMLP(X.shape[1], cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.L1Loss()
    print(f"{len(tr)} train / {len(va)} val crystals, {X.shape[1]} descriptors")

    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            mae = np.mean([loss_fn(model(xb), yb).item() for xb, yb in val_dl])
        print(f"epoch {epoch}: val MAE {mae:.3f} eV/atom")


if __name__ == "__main__":
    main(TrainConfig())
