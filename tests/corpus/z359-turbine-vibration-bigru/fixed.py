"""Wind-turbine gearbox fault detection from 3-axis accelerometer windows."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

CFG = {
    "channels": 3,
    "window": 200,
    "conv_filters": 16,
    "rnn_hidden": 64,
    "rnn_layers": 2,
    "bidirectional": True,
    "fault_classes": ["healthy", "bearing_wear", "gear_tooth_crack", "misalignment"],
    "batch_size": 16,
    "epochs": 1,
    "lr": 2e-3,
    "seed": 7,
}


def synth_vibration(n_windows, cfg, gen):
    """Sinusoids at the mesh frequency plus a fault-specific harmonic and noise."""
    t = torch.linspace(0, 1, cfg["window"])
    labels = torch.randint(0, len(cfg["fault_classes"]), (n_windows,), generator=gen)
    signals = []
    for lab in labels.tolist():
        base = torch.sin(2 * math.pi * 25 * t)
        harmonic = 0.4 * lab * torch.sin(2 * math.pi * (40 + 15 * lab) * t)
        axes = [base + harmonic + 0.3 * torch.randn(cfg["window"], generator=gen) for _ in range(cfg["channels"])]
        signals.append(torch.stack(axes, dim=0))
    return torch.stack(signals), labels


def conv_front(cfg):
    return nn.Sequential(
        nn.Conv1d(cfg["channels"], cfg["conv_filters"], kernel_size=7, padding=3),
        nn.BatchNorm1d(cfg["conv_filters"]),
        nn.ReLU(),
        nn.MaxPool1d(4),
    )


def make_model(cfg):
    front = conv_front(cfg)
    rnn = nn.GRU(
        input_size=cfg["conv_filters"],
        hidden_size=cfg["rnn_hidden"],
        num_layers=cfg["rnn_layers"],
        batch_first=True,
        bidirectional=cfg["bidirectional"],
    )
    rnn_out = cfg["rnn_hidden"] * (2 if cfg["bidirectional"] else 1)
    head = nn.Sequential(
        nn.Dropout(0.2),
        nn.Linear(rnn_out, len(cfg["fault_classes"])),
    )
    return nn.ModuleDict({"front": front, "rnn": rnn, "head": head})


def forward(model, x):
    feats = model["front"](x)            # (B, F, T')
    feats = feats.transpose(1, 2)        # (B, T', F)
    seq_out, _ = model["rnn"](feats)     # (B, T', H)
    pooled = seq_out.mean(dim=1)
    return model["head"](pooled)


def train_one_epoch(model, loader, opt):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        logits = forward(model, xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        total += loss.item() * xb.size(0)
    return total / len(loader.dataset)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = 0
    for xb, yb in loader:
        correct += (forward(model, xb).argmax(dim=1) == yb).sum().item()
    return correct / len(loader.dataset)


def run(cfg):
    gen = torch.Generator().manual_seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    x_train, y_train = synth_vibration(32, cfg, gen)
    x_val, y_val = synth_vibration(16, cfg, gen)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=cfg["batch_size"], shuffle=True)
    val_loader = DataLoader(TensorDataset(x_val, y_val), batch_size=cfg["batch_size"])

    model = make_model(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        loss = train_one_epoch(model, train_loader, opt)
        acc = evaluate(model, val_loader)
        print(f"epoch {epoch}: train loss {loss:.3f}  val acc {acc:.2%}")


if __name__ == "__main__":
    run(CFG)
