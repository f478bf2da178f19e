"""Per-hour irrigation event tagging from field IoT probes.

Each window holds 48 hourly readings from one probe cluster; every hour is
tagged idle / irrigating / rain so the scheduler can reconcile pump logs.
"""
import configparser
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

SETTINGS = """
[data]
n_probes = 40
window_hours = 48
seed = 11

[model]
hidden = 32
layers = 1
dropout = 0.1

[train]
batch_size = 16
epochs = 2
lr = 0.003
"""

TAGS = ["idle", "irrigating", "rain"]
CHANNELS = ["soil_vwc", "soil_temp", "air_temp", "rel_humidity", "flow_lpm"]


def load_settings(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return cp


def zscore(x):
    return (x - x.mean(axis=0, keepdims=True)) / (x.std(axis=0, keepdims=True) + 1e-6)


def minmax(x):
    lo, hi = x.min(axis=0, keepdims=True), x.max(axis=0, keepdims=True)
    return (x - lo) / (hi - lo + 1e-6)


def first_diff(x):
    d = np.diff(x, axis=0, prepend=x[:1])
    return np.concatenate([x, d[:, :1]], axis=1)


FEATURE_TRANSFORMS = {
    "zscore": zscore,
    "minmax": minmax,
    "diff_vwc": first_diff,
}


def simulate_probe(rng, hours):
    t = np.arange(hours)
    tags = np.zeros(hours, dtype=np.int64)
    flow = np.zeros(hours)
    start = rng.integers(0, hours - 6)
    tags[start:start + 4] = 1
    flow[start:start + 4] = rng.uniform(8, 15)
    if rng.random() < 0.5:
        r = rng.integers(0, hours - 3)
        tags[r:r + 3] = np.where(tags[r:r + 3] == 0, 2, tags[r:r + 3])
    vwc = 0.22 + 0.05 * np.cumsum(tags > 0) / hours + rng.normal(0, 0.005, hours)
    soil_t = 14 + 3 * np.sin(2 * math.pi * t / 24) + rng.normal(0, 0.3, hours)
    air_t = 18 + 7 * np.sin(2 * math.pi * (t - 3) / 24) + rng.normal(0, 0.5, hours)
    rh = np.clip(65 - 20 * np.sin(2 * math.pi * t / 24) + 15 * (tags == 2), 20, 100)
    readings = np.stack([vwc, soil_t, air_t, rh, flow], axis=1).astype(np.float32)
    return readings, tags


class ProbeWindows(Dataset):
    def __init__(self, cfg, pipeline):
        rng = np.random.default_rng(cfg.getint("data", "seed"))
        hours = cfg.getint("data", "window_hours")
        self.items = []
        for _ in range(cfg.getint("data", "n_probes")):
            x, y = simulate_probe(rng, hours)
            for name in pipeline:
                x = FEATURE_TRANSFORMS[name](x)
            self.items.append((x.astype(np.float32), y))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        x, y = self.items[i]
        return {"readings": torch.from_numpy(x), "tags": torch.from_numpy(y)}


class HourTagger(nn.Module):
    def __init__(self, n_in, hidden, layers, dropout, n_tags):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=layers, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_tags)

    def forward(self, readings):
        seq, _ = self.lstm(readings)
        return self.head(self.drop(seq))


def build_model(cfg, n_in):
    return HourTagger(
        n_in,
        cfg.getint("model", "hidden"),
        cfg.getint("model", "layers"),
        cfg.getfloat("model", "dropout"),
        len(TAGS),
    )


def train_epoch(model, loader, opt):
    model.train()
    running, seen = 0.0, 0
    for batch in loader:
        logits = model(batch["readings"])
        loss = F.cross_entropy(logits, batch["tags"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item() * batch["tags"].size(0)
        seen += batch["tags"].size(0)
    return running / max(seen, 1)


def cmd_train(cfg):
    pipeline = ["diff_vwc", "zscore"]
    ds = ProbeWindows(cfg, pipeline)
    n_in = ds[0]["readings"].shape[-1]
    loader = DataLoader(ds, batch_size=cfg.getint("train", "batch_size"), shuffle=True)
    model = build_model(cfg, n_in)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.getfloat("train", "lr"))
    for epoch in range(cfg.getint("train", "epochs")):
        avg = train_epoch(model, loader, opt)
        print(f"epoch {epoch} loss {avg:.4f}")
    return model


def main():
    torch.manual_seed(0)
    cfg = load_settings(SETTINGS)
    print(f"channels: {', '.join(CHANNELS)} | tags: {TAGS}")
    cmd_train(cfg)


if __name__ == "__main__":
    main()
