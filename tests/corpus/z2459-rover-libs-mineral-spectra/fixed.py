"""Mineral class prediction from rover LIBS spectra.

Every LIBS shot is divided by the instrument response measured on the onboard
calibration target, then continuum-removed and fed to a small 1-D conv net.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CONFIG = {
    "seed": 11,
    "n_channels": 512,
    "wl_min_nm": 240.0,
    "wl_max_nm": 850.0,
    "n_targets": 240,
    "mission_sols": 300,
    "calib_every_sols": 10,
    "batch_size": 24,
    "lr": 1e-3,
    "epochs": 2,
}

MINERALS = ["olivine", "pyroxene", "plagioclase", "Ca-sulfate", "hematite"]
# emission lines (nm) that dominate each mineral's LIBS spectrum
LINES = {
    "olivine": [279.6, 285.2, 517.3, 518.4],
    "pyroxene": [279.6, 393.4, 396.8, 422.7, 288.2],
    "plagioclase": [393.4, 589.0, 589.6, 394.4, 396.2],
    "Ca-sulfate": [393.4, 396.8, 422.7, 545.0],
    "hematite": [259.9, 371.9, 373.5, 404.6],
}

rng = np.random.default_rng(CONFIG["seed"])
torch.manual_seed(CONFIG["seed"])
WL = np.linspace(CONFIG["wl_min_nm"], CONFIG["wl_max_nm"], CONFIG["n_channels"])


def instrument_response(sol):
    drift = 1.0 - 0.0004 * sol
    return (drift * (0.6 + 0.4 * np.exp(-((WL - 520) / 260) ** 2))).astype(np.float32)


def build_calibration_table(cfg):
    return {sol: instrument_response(sol)
            for sol in range(0, cfg["mission_sols"], cfg["calib_every_sols"])}


def shot_spectrum(mineral, sol):
    spec = 0.05 + 0.02 * rng.random(WL.shape)
    for line in LINES[mineral]:
        spec += rng.uniform(0.5, 1.0) * np.exp(-((WL - line) / 0.8) ** 2)
    return (spec * instrument_response(sol)).astype(np.float32)


def make_observations(cfg):
    obs = []
    for i in range(cfg["n_targets"]):
        mineral = MINERALS[rng.integers(len(MINERALS))]
        sol = int(rng.integers(1, cfg["mission_sols"]))
        obs.append({"target": f"T{i:04d}", "sol": sol, "mineral": mineral,
                    "counts": shot_spectrum(mineral, sol)})
    return obs


class LIBSShots(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        r = self.records[i]
        return {"sol": r["sol"], "counts": r["counts"],
                "label": MINERALS.index(r["mineral"])}


class CalibratedCollate:
    def __init__(self, calib_table):
        self.calib = calib_table

    def continuum_remove(self, x):
        k = 31
        base = np.convolve(np.pad(x, k // 2, mode="edge"), np.ones(k) / k, mode="valid")
        return x - np.minimum(base, x)

    def __call__(self, samples):
        spectra, labels = [], []
        for s in samples:
            cal_sol = max(k for k in self.calib if k <= s["sol"])
            response = self.calib[cal_sol]
            x = self.continuum_remove(s["counts"] / response)
            spectra.append(x / (x.max() + 1e-6))
            labels.append(s["label"])
        x = torch.from_numpy(np.stack(spectra)).float().unsqueeze(1)
        return x, torch.tensor(labels)


class SpectraCNN(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 16, 7, padding=3)
        self.conv2 = nn.Conv1d(16, 32, 7, padding=3)
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.conv1(x)), 4)
        x = F.max_pool1d(F.relu(self.conv2(x)), 4)
        return self.fc(x.amax(dim=-1))


def run(cfg):
    obs = make_observations(cfg)
    calib = build_calibration_table(cfg)
    n_train = int(0.8 * len(obs))
    collate = CalibratedCollate(calib)
    train_dl = DataLoader(LIBSShots(obs[:n_train]), batch_size=cfg["batch_size"],
                          shuffle=True, collate_fn=collate)
    val_dl = DataLoader(LIBSShots(obs[n_train:]), batch_size=cfg["batch_size"],
                        collate_fn=collate)

    model = SpectraCNN(len(MINERALS))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        for x, y in train_dl:
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in val_dl:
                correct += (model(x).argmax(1) == y).sum().item()
                total += len(y)
        print(f"epoch {epoch}: last loss {loss.item():.3f}, val acc {correct / total:.3f}")


if __name__ == "__main__":
    run(CONFIG)
