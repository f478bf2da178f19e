"""Nightly frost-risk alerting for orchard blocks.

Overnight weather-station windows (18:00-06:00, 10-minute samples) go
through an LSTM that scores the chance of canopy frost before dawn; the
blocks above threshold are written into the grower's morning summary.
"""
import configparser
import math
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn

STATION_CFG = """
[stations]
blocks = north_ridge, creek_flat, upper_terrace, packing_shed
nights = 60
samples_per_night = 72
seed = 4

[net]
hidden = 24
lr = 0.01
epochs = 3
batch = 20

[report]
threshold = 0.5
title = Frost watch - {date}
alert_line = {block}: frost risk > 50%% at canopy (p={prob:.2f})
"""


def read_cfg(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return cp


def dewpoint(t, rh):
    a, b = 17.27, 237.7
    g = a * t / (b + t) + np.log(np.clip(rh, 1, 100) / 100.0)
    return b * g / (a - g)


TRANSFORMS = {
    "air_temp": lambda w: w["air_temp"],
    "dew_gap": lambda w: w["air_temp"] - dewpoint(w["air_temp"], w["rh"]),
    "wind": lambda w: np.sqrt(w["wind"]),
    "sky_ir": lambda w: (w["sky_ir"] + 20.0) / 10.0,
}


def simulate_night(rng, n):
    t = np.linspace(0, 1, n)
    clear = rng.random() < 0.45
    start = rng.uniform(4, 12)
    drop = rng.uniform(6, 12) if clear else rng.uniform(2, 5)
    air = start - drop * np.sqrt(t) + rng.normal(0, 0.2, n)
    rh = np.clip(60 + 35 * t + rng.normal(0, 2, n), 20, 100)
    wind = np.abs(rng.normal(0.8 if clear else 3.0, 0.5, n))
    sky = (-35 if clear else -8) + rng.normal(0, 2, n)
    frost = float(air.min() < 0.5 and wind.mean() < 1.5)
    return {"air_temp": air, "rh": rh, "wind": wind, "sky_ir": sky}, frost


def night_batches(cfg, names):
    rng = np.random.default_rng(cfg.getint("stations", "seed"))
    blocks = [b.strip() for b in cfg.get("stations", "blocks").split(",")]
    n = cfg.getint("stations", "samples_per_night")
    size = cfg.getint("net", "batch")
    rows, labels, tags = [], [], []
    for night in range(cfg.getint("stations", "nights")):
        for block in blocks:
            w, y = simulate_night(rng, n)
            rows.append(np.stack([TRANSFORMS[k](w) for k in names], axis=1))
            labels.append(y)
            tags.append((night, block))
            if len(rows) == size:
                yield {"x": torch.tensor(np.stack(rows), dtype=torch.float32),
                       "y": torch.tensor(labels).unsqueeze(1), "tags": tags}
                rows, labels, tags = [], [], []


class FrostLSTM(nn.Module):
    def __init__(self, n_feat, hidden):
        super().__init__()
        self.rnn = nn.LSTM(n_feat, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        _, (h, _) = self.rnn(x)
        return self.out(h[-1])


def cmd_train(cfg, names):
    model = FrostLSTM(len(names), cfg.getint("net", "hidden"))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.getfloat("net", "lr"))
    crit = nn.BCEWithLogitsLoss()
    for ep in range(cfg.getint("net", "epochs")):
        losses = []
        for b in night_batches(cfg, names):
            loss = crit(model(b["x"]), b["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {ep}: bce {np.mean(losses):.4f}")
    return model


@torch.no_grad()
def cmd_score(cfg, model, names):
    model.eval()
    risk = defaultdict(list)
    for b in night_batches(cfg, names):
        probs = torch.sigmoid(model(b["x"])).squeeze(1).tolist()
        for (night, block), p in zip(b["tags"], probs):
            if night >= cfg.getint("stations", "nights") - 1:
                risk[block].append(p)
    return {blk: max(ps) for blk, ps in risk.items()}


def cmd_report(cfg, scores, date):
    sect = cfg["report"]
    thr = sect.getfloat("threshold")
    lines = [sect["title"].format(date=date)]
    for block, p in sorted(scores.items(), key=lambda kv: -kv[1]):
        if p > thr or math.isclose(p, thr):
            lines.append(sect["alert_line"].format(block=block, prob=p))
    if len(lines) == 1:
        lines.append("no blocks above threshold")
    return "\n".join(lines)


def main():
    torch.manual_seed(8)
    cfg = read_cfg(STATION_CFG)
    names = list(TRANSFORMS)
    model = cmd_train(cfg, names)
    scores = cmd_score(cfg, model, names)
    print(cmd_report(cfg, scores, "2024-04-12"))


if __name__ == "__main__":
    main()
