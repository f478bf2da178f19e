#!/usr/bin/env python
"""Human-activity recognition from wrist accelerometer windows with a GRU.

Subcommands:
    har.py fit   [--hidden H] [--epochs N] [--window W]
    har.py eval  [--hidden H] [--window W]
"""
import argparse
import json
import math
import os
import sys
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

ACTIVITIES = ["walking", "upstairs", "downstairs", "sitting", "standing", "lying"]

DEFAULTS = {
    "sensor": {"axes": 3, "rate_hz": 25, "window": 50},
    "net": {"hidden": 48, "layers": 1, "bidirectional": True, "dropout": 0.0},
    "fit": {"epochs": 1, "batch": 16, "lr": 2e-3, "seed": 0},
}


def dump_defaults(folder):
    path = os.path.join(folder, "har_defaults.json")
    with open(path, "w") as fh:
        json.dump(DEFAULTS, fh, indent=2)
    return path


def merged_config(path, args):
    with open(path) as fh:
        cfg = json.load(fh)
    if args.hidden is not None:
        cfg["net"]["hidden"] = args.hidden
    if args.window is not None:
        cfg["sensor"]["window"] = args.window
    if getattr(args, "epochs", None) is not None:
        cfg["fit"]["epochs"] = args.epochs
    return cfg


def synth_windows(n_per_class, sensor, gen):
    """Fake accelerometer traces: each activity gets its own cadence and gravity offset."""
    t = torch.arange(sensor["window"]) / sensor["rate_hz"]
    traces, tags = [], []
    for tag, _ in enumerate(ACTIVITIES):
        cadence = 0.5 + 0.4 * tag
        gravity = torch.tensor([0.0, 0.0, 1.0]).roll(tag % 3)
        for _ in range(n_per_class):
            phase = torch.rand(1, generator=gen) * 2 * math.pi
            wave = torch.sin(2 * math.pi * cadence * t + phase).unsqueeze(1)
            noise = 0.1 * torch.randn(sensor["window"], sensor["axes"], generator=gen)
            traces.append(wave * (1.0 - tag / 6) + gravity + noise)
            tags.append(tag)
    return torch.stack(traces), torch.tensor(tags)


class ActivityGRU(nn.Module):
    def __init__(self, axes, hidden, layers, bidirectional, dropout, n_activities):
        super().__init__()
        self.rnn = nn.GRU(axes, hidden, num_layers=layers, batch_first=True,
                          bidirectional=bidirectional, dropout=dropout)
        self.norm = nn.LayerNorm(hidden * (2 if bidirectional else 1))
        self.classify = nn.Linear(hidden, n_activities)

    def forward(self, window):
        seq, _ = self.rnn(window)
        pooled = self.norm(seq.mean(dim=1))
        return self.classify(pooled)


def make_net(cfg):
    net_cfg = cfg["net"]
    return ActivityGRU(cfg["sensor"]["axes"], net_cfg["hidden"], net_cfg["layers"],
                       net_cfg["bidirectional"], net_cfg["dropout"], len(ACTIVITIES))


def run_epoch(net, loader, optimiser=None):
    criterion = nn.CrossEntropyLoss()
    total, correct, seen = 0.0, 0, 0
    for window, tag in loader:
        scores = net(window)
        loss = criterion(scores, tag)
        if optimiser is not None:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        total += loss.item() * tag.numel()
        correct += (scores.argmax(1) == tag).sum().item()
        seen += tag.numel()
    return total / seen, correct / seen


def fit(cfg):
    gen = torch.Generator().manual_seed(cfg["fit"]["seed"])
    traces, tags = synth_windows(3, cfg["sensor"], gen)
    loader = DataLoader(TensorDataset(traces, tags), batch_size=cfg["fit"]["batch"],
                        shuffle=True, generator=gen)
    net = make_net(cfg)
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg["fit"]["lr"])
    for epoch in range(cfg["fit"]["epochs"]):
        loss, acc = run_epoch(net, loader, optimiser)
        print(f"epoch {epoch}: loss={loss:.3f} acc={acc:.2f}")
    return net


def evaluate(cfg):
    net = fit(cfg)
    gen = torch.Generator().manual_seed(123)
    traces, tags = synth_windows(5, cfg["sensor"], gen)
    net.eval()
    with torch.no_grad():
        loss, acc = run_epoch(net, DataLoader(TensorDataset(traces, tags), batch_size=32))
    print(f"held-out: loss={loss:.3f} acc={acc:.2f}")


def build_parser():
    parser = argparse.ArgumentParser(prog="har")
    sub = parser.add_subparsers(dest="cmd", required=True)
    fit_p = sub.add_parser("fit")
    fit_p.add_argument("--epochs", type=int)
    eval_p = sub.add_parser("eval")
    for p in (fit_p, eval_p):
        p.add_argument("--hidden", type=int)
        p.add_argument("--window", type=int)
    return parser


def main():
    argv = sys.argv[1:] or ["fit"]
    args = build_parser().parse_args(argv)
    cfg_path = dump_defaults(tempfile.mkdtemp(prefix="har_"))
    cfg = merged_config(cfg_path, args)
    torch.manual_seed(cfg["fit"]["seed"])
    if args.cmd == "fit":
        fit(cfg)
    else:
        evaluate(cfg)


if __name__ == "__main__":
    main()
