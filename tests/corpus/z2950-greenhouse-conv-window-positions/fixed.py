import configparser
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MAX_WINDOW = 48

CONFIG_TEXT = """
[logger]
interval_minutes = 15
window_hours = 24
stride_hours = 6
days = 12
sensors = vpd,par,co2,substrate_ec,substrate_moist

[net]
d_model = 24
kernel = 5
dropout = 0.1

[fit]
lr = 0.002
batch = 6
steps = 4
seed = 3
"""


def parse_config(text):
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def steps_for(cfg, key):
    return int(cfg.getint("logger", key) * 60 / cfg.getint("logger", "interval_minutes"))


TRANSFORMS = {
    "vpd": lambda v: np.log1p(np.clip(v, 0, None)),
    "par": lambda v: v / 1500.0,
    "co2": lambda v: (v - 420.0) / 150.0,
    "substrate_ec": lambda v: (v - 2.5) / 0.8,
    "substrate_moist": lambda v: v / 100.0,
}


def synth_stream(cfg, rng):
    per_day = int(24 * 60 / cfg.getint("logger", "interval_minutes"))
    n = per_day * cfg.getint("logger", "days")
    t = np.arange(n)
    day_phase = np.sin(2 * math.pi * t / per_day)
    raw = {
        "vpd": 1.0 + 0.6 * day_phase + rng.normal(0, 0.1, n),
        "par": np.clip(900 * day_phase, 0, None) + rng.normal(0, 30, n),
        "co2": 450 - 80 * day_phase + rng.normal(0, 15, n),
        "substrate_ec": 2.5 + rng.normal(0, 0.3, n).cumsum() * 0.02,
        "substrate_moist": 55 - 10 * day_phase + rng.normal(0, 2, n),
    }
    names = cfg["logger"]["sensors"].split(",")
    return np.stack([TRANSFORMS[k](raw[k]) for k in names], axis=0).astype(np.float32)


def windows(stream, win, stride):
    for start in range(0, stream.shape[1] - win, stride):
        chunk = stream[:, start:start + win]
        nxt = stream[4, start + win]
        yield torch.from_numpy(chunk), torch.tensor([nxt < 0.5], dtype=torch.float32)


def batches(gen, size):
    xs, ys = [], []
    for x, y in gen:
        xs.append(x)
        ys.append(y)
        if len(xs) == size:
            yield torch.stack(xs), torch.stack(ys)
            xs, ys = [], []


class IrrigationNeedNet(nn.Module):
    def __init__(self, n_sensors, d_model, max_len, kernel, dropout):
        super().__init__()
        self.stem = nn.Conv1d(n_sensors, d_model, kernel, padding=kernel // 2)
        self.pos = nn.Embedding(max_len, d_model)
        self.mix = nn.Conv1d(d_model, d_model, kernel, padding=kernel // 2, groups=d_model)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(d_model, 1)

    def forward(self, x):
        h = self.stem(x).transpose(1, 2)
        idx = torch.arange(h.size(1), device=h.device)
        h = h + self.pos(idx)[None]
        h = F.gelu(self.mix(h.transpose(1, 2)))
        return self.head(self.drop(h.mean(dim=2)))


def build_model(cfg):
    n_sensors = len(cfg["logger"]["sensors"].split(","))
    win = steps_for(cfg, "window_hours")
    print(f"window = {win} readings from {n_sensors} sensors")
    return IrrigationNeedNet(n_sensors, cfg.getint("net", "d_model"), win,
                             cfg.getint("net", "kernel"), cfg.getfloat("net", "dropout"))


def run_fit(cfg):
    rng = np.random.default_rng(cfg.getint("fit", "seed"))
    torch.manual_seed(cfg.getint("fit", "seed"))
    stream = synth_stream(cfg, rng)
    model = build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.getfloat("fit", "lr"))
    win, stride = steps_for(cfg, "window_hours"), steps_for(cfg, "stride_hours")
    done = 0
    for xb, yb in batches(windows(stream, win, stride), cfg.getint("fit", "batch")):
        loss = F.binary_cross_entropy_with_logits(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        done += 1
        print(f"step {done}: bce {loss.item():.4f}")
        if done >= cfg.getint("fit", "steps"):
            break


def main():
    cfg = parse_config(CONFIG_TEXT)
    run_fit(cfg)


if __name__ == "__main__":
    main()
