"""Fish-school detection on split-beam sonar echograms.

Stage 1 trains a small CNN on synthetic Sv echograms (ping x depth-bin) and
saves a checkpoint.  Stage 2 is the deployment path used on the survey vessel:
the network skeleton is created without allocating weights and the checkpoint
is then attached to it.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT_PATH = os.path.join(HERE, "echo_school_net.pt")

SURVEY = {
    "n_pings": 64,
    "n_depth_bins": 48,
    "bin_size_m": 0.5,
    "absorption_db_per_m": 0.0098,   # 38 kHz in seawater
    "n_train": 96,
    "batch_size": 16,
    "epochs": 2,
    "lr": 2e-3,
}


def synth_echogram(rng, n_pings, n_bins, with_school):
    """Raw uncompensated Sv in dB: noise floor + seabed + optional school."""
    sv = rng.normal(-85.0, 3.0, size=(n_pings, n_bins))
    seabed = rng.integers(n_bins - 8, n_bins - 2)
    sv[:, seabed:] = rng.normal(-30.0, 2.0, size=(n_pings, n_bins - seabed))
    if with_school:
        p0 = rng.integers(5, n_pings - 20)
        d0 = rng.integers(5, seabed - 12)
        sv[p0:p0 + 15, d0:d0 + 8] += rng.uniform(25.0, 35.0)
    return sv.astype(np.float32)


class EchogramSet(Dataset):
    def __init__(self, n, cfg, seed=0):
        rng = np.random.default_rng(seed)
        self.labels = rng.integers(0, 2, size=n)
        self.grams = [synth_echogram(rng, cfg["n_pings"], cfg["n_depth_bins"], bool(y))
                      for y in self.labels]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.grams[i]).unsqueeze(0)   # (1, pings, bins)
        return x, torch.tensor(float(self.labels[i]))


def tvg_curve(n_bins, bin_size_m, alpha):
    """20 log R + 2 alpha R time-varied gain, one value per depth bin."""
    r = (torch.arange(n_bins, dtype=torch.float32) + 0.5) * bin_size_m
    return 20.0 * torch.log10(r) + 2.0 * alpha * r


class EchoSchoolNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        gain = tvg_curve(cfg["n_depth_bins"], cfg["bin_size_m"], cfg["absorption_db_per_m"])
        # derived from the survey settings, no need to store it in checkpoints
        self.register_buffer("range_gain", gain.view(1, 1, 1, -1), persistent=False)
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d((4, 4)),
        )
        self.head = nn.Linear(16 * 4 * 4, 1)

    def forward(self, sv_raw):
        sv = sv_raw + self.range_gain
        sv = (sv + 70.0) / 20.0
        z = self.features(sv)
        return self.head(z.flatten(1)).squeeze(-1)


def train(cfg):
    torch.manual_seed(0)
    ds = EchogramSet(cfg["n_train"], cfg, seed=1)
    dl = DataLoader(ds, batch_size=cfg["batch_size"], shuffle=True)
    model = EchoSchoolNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        total = 0.0
        for x, y in dl:
            logit = model(x)
            loss = F.binary_cross_entropy_with_logits(logit, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch}: bce={total / len(ds):.4f}")
    torch.save(model.state_dict(), CKPT_PATH)
    return model


def load_for_inference(cfg, path):
    model = EchoSchoolNet(cfg)
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model.eval()


@torch.no_grad()
def count_schools(model, cfg, n_files=24):
    ds = EchogramSet(n_files, cfg, seed=7)
    dl = DataLoader(ds, batch_size=8)
    hits, correct = 0, 0
    for x, y in dl:
        prob = torch.sigmoid(model(x))
        pred = (prob > 0.5).float()
        hits += int(pred.sum())
        correct += int((pred == y).sum())
    return hits, correct / len(ds)


if __name__ == "__main__":
    train(SURVEY)
    deployed = load_for_inference(SURVEY, CKPT_PATH)
    n_hits, acc = count_schools(deployed, SURVEY)
    print(f"schools flagged: {n_hits}  accuracy: {acc:.3f}")
    assert math.isfinite(acc)
