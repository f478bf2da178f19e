"""Pump vibration anomaly scoring with a small 1-D conv autoencoder.

Subcommands:
    train   fit the autoencoder on synthetic healthy vibration data
    score   fit, then score a test trace window by window and list suspicious windows
"""
import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn as nn

DEFAULTS = {
    "n_readings": 240,
    "window": 16,
    "channels": 3,
    "hidden": 24,
    "epochs": 3,
    "lr": 0.01,
    "threshold_sigma": 2.5,
    "seed": 7,
}


def write_defaults(path):
    path.write_text(json.dumps(DEFAULTS, indent=2))


def load_settings(path, cli):
    settings = json.loads(path.read_text())
    for key, value in vars(cli).items():
        if key in settings and value is not None:
            settings[key] = value
    return settings


def synth_trace(n_readings, channels, fault_at=None, gen=None):
    t = torch.arange(n_readings, dtype=torch.float32)
    base = torch.stack([torch.sin(2 * math.pi * t / (12 + 3 * c)) for c in range(channels)])
    trace = base + 0.05 * torch.randn(channels, n_readings, generator=gen)
    if fault_at is not None:
        trace[:, fault_at:fault_at + 10] += 1.5
    return trace


class WindowAutoencoder(nn.Module):
    """Encodes each sliding window of `window` readings into one latent vector."""

    def __init__(self, channels, hidden, window):
        super().__init__()
        self.encode = nn.Conv1d(channels, hidden, kernel_size=window)
        self.decode = nn.Linear(hidden, channels * window)
        self.channels = channels
        self.window = window

    def forward(self, trace):
        latent = torch.tanh(self.encode(trace))          # (B, hidden, n_windows)
        recon = self.decode(latent.transpose(1, 2))     # (B, n_windows, C*window)
        return recon.view(trace.shape[0], -1, self.channels, self.window)


def unfold_windows(trace, window):
    # (B, C, T) -> (B, n_windows, C, window)
    return trace.unfold(2, window, 1).permute(0, 2, 1, 3)


def reconstruction_error(model, trace, window):
    recon = model(trace)
    target = unfold_windows(trace, window)
    return ((recon - target) ** 2).mean(dim=(2, 3))   # (B, n_windows)


def fit(settings):
    gen = torch.Generator().manual_seed(settings["seed"])
    torch.manual_seed(settings["seed"])
    model = WindowAutoencoder(settings["channels"], settings["hidden"], settings["window"])
    opt = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    healthy = torch.stack([synth_trace(settings["n_readings"], settings["channels"], gen=gen)
                           for _ in range(8)])
    for epoch in range(settings["epochs"]):
        opt.zero_grad()
        loss = reconstruction_error(model, healthy, settings["window"]).mean()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:3d}  recon mse {loss.item():.4f}")
    with torch.no_grad():
        baseline = reconstruction_error(model, healthy, settings["window"])
    return model, baseline.mean().item(), baseline.std().item()


def flag_windows(times, window_err, threshold):
    flagged = []
    for i in range(len(window_err)):
        if window_err[i].item() > threshold:
            flagged.append((times[i], window_err[i].item()))
    return flagged


def cmd_train(settings):
    _, mu, sigma = fit(settings)
    print(f"healthy error: mean={mu:.4f} std={sigma:.4f}")


def cmd_score(settings):
    model, mu, sigma = fit(settings)
    gen = torch.Generator().manual_seed(settings["seed"] + 1)
    test_trace = synth_trace(settings["n_readings"], settings["channels"], fault_at=150, gen=gen)
    times = [f"t+{k * 0.5:.1f}s" for k in range(test_trace.shape[-1])]
    with torch.no_grad():
        window_err = reconstruction_error(model, test_trace.unsqueeze(0), settings["window"])[0]
    threshold = mu + settings["threshold_sigma"] * sigma
    flagged = flag_windows(times, window_err, threshold)
    print(f"{len(flagged)} windows above {threshold:.4f}")
    for stamp, err in flagged[:10]:
        print(f"  window starting {stamp}: {err:.4f}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "score"):
        p = sub.add_parser(name)
        p.add_argument("--n-readings", dest="n_readings", type=int)
        p.add_argument("--window", type=int)
        p.add_argument("--epochs", type=int)
        p.add_argument("--threshold-sigma", dest="threshold_sigma", type=float)
    cli = parser.parse_args(argv)

    cfg_path = Path(cli.config) if cli.config else Path(tempfile.mkdtemp()) / "pump_ae.json"
    if not cfg_path.exists():
        write_defaults(cfg_path)
    settings = load_settings(cfg_path, cli)
    {"train": cmd_train, "score": cmd_score}[cli.command](settings)


if __name__ == "__main__":
    main(sys.argv[1:] or ["score"])
