import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SETTINGS = {
    "channels": 6,
    "window": 50,
    "units": 48,
    "activities": ["walk", "run", "sit", "stairs"],
    "batch_size": 16,
    "n_windows": 128,
    "lr": 2e-3,
    "epochs": 3,
    "seed": 11,
}


def synth_imu(settings, gen):
    n, t, c = settings["n_windows"], settings["window"], settings["channels"]
    n_cls = len(settings["activities"])
    labels = torch.randint(0, n_cls, (n,), generator=gen)
    time = torch.linspace(0, 2 * math.pi, t)
    freq = (labels.float() + 1.0).view(n, 1, 1)
    base = torch.sin(freq * time.view(1, t, 1))
    noise = 0.3 * torch.randn(n, t, c, generator=gen)
    return base.expand(n, t, c) + noise, labels


def build(settings):
    n_out = len(settings["activities"])
    return nn.ModuleDict({
        "norm": nn.LayerNorm(settings["channels"]),
        "rnn": nn.LSTM(
            input_size=settings["channels"],
            hidden_size=settings["units"],
            batch_first=True,
            bidirectional=True,
        ),
        "head": nn.Sequential(nn.ReLU(), nn.Linear(settings["units"], n_out)),
    })


def forward(net, x):
    seq, _ = net["rnn"](net["norm"](x))
    pooled = seq.mean(dim=1)
    return net["head"](pooled)


def run_epoch(net, optim, x, y, batch_size):
    net.train()
    perm = torch.randperm(x.size(0))
    total, correct = 0.0, 0
    for start in range(0, x.size(0), batch_size):
        idx = perm[start:start + batch_size]
        logits = forward(net, x[idx])
        loss = F.cross_entropy(logits, y[idx])
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item() * idx.numel()
        correct += (logits.argmax(-1) == y[idx]).sum().item()
    return total / x.size(0), correct / x.size(0)


def main(settings):
    gen = torch.Generator().manual_seed(settings["seed"])
    torch.manual_seed(settings["seed"])
    x, y = synth_imu(settings, gen)
    net = build(settings)
    optim = torch.optim.Adam(net.parameters(), lr=settings["lr"])
    for epoch in range(settings["epochs"]):
        loss, acc = run_epoch(net, optim, x, y, settings["batch_size"])
        print(f"epoch {epoch + 1}/{settings['epochs']} loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main(SETTINGS)
