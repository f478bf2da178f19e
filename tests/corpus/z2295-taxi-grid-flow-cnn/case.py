from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split


@dataclass
class GridFlowConfig:
    grid_h: int = 20
    grid_w: int = 10
    closeness: int = 4
    period: int = 2
    interval_min: int = 30
    n_days: int = 12
    enc_channels: tuple = (32, 64, 128)
    bottleneck_kernel: int = 3
    bottleneck_padding: int = 0
    batch_size: int = 32
    lr: float = 1e-3
    epochs: int = 2
    seed: int = 3
    flows: list = field(default_factory=lambda: ["inflow", "outflow"])

    @property
    def steps_per_day(self):
        return 24 * 60 // self.interval_min

    @property
    def in_channels(self):
        return len(self.flows) * (self.closeness + self.period)


def simulate_grid_flows(cfg):
    g = torch.Generator().manual_seed(cfg.seed)
    T = cfg.n_days * cfg.steps_per_day
    t = torch.arange(T, dtype=torch.float32)
    ys, xs = torch.meshgrid(torch.linspace(-1, 1, cfg.grid_h), torch.linspace(-1, 1, cfg.grid_w), indexing="ij")
    downtown = torch.exp(-(ys ** 2 + (xs - 0.2) ** 2) / 0.3)
    suburbs = 1 - downtown
    phase = 2 * torch.pi * (t % cfg.steps_per_day) / cfg.steps_per_day
    am = torch.relu(torch.sin(phase - 1.2))[:, None, None]
    pm = torch.relu(torch.sin(phase - 3.8))[:, None, None]
    inflow = 20 * (am * downtown + pm * suburbs) + 3
    outflow = 20 * (am * suburbs + pm * downtown) + 3
    flows = torch.stack([inflow, outflow], 1)
    return torch.poisson(flows, generator=g)


def make_samples(flows, cfg):
    spd = cfg.steps_per_day
    X, Y = [], []
    for t in range(cfg.period * spd, flows.shape[0]):
        close = [flows[t - k] for k in range(1, cfg.closeness + 1)]
        per = [flows[t - k * spd] for k in range(1, cfg.period + 1)]
        X.append(torch.cat(close + per, 0))
        Y.append(flows[t])
    X = torch.stack(X)
    Y = torch.stack(Y)
    scale = Y.max()
    return X / scale, Y / scale, scale


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(F.relu(self.bn(self.conv(x))))


class GridFlowNet(nn.Module):
    def __init__(self, cfg: GridFlowConfig):
        super().__init__()
        self.cfg = cfg
        chans = (cfg.in_channels,) + tuple(cfg.enc_channels)
        self.encoder = nn.Sequential(*[ConvBlock(a, b) for a, b in zip(chans[:-1], chans[1:])])
        c = cfg.enc_channels[-1]
        self.bottleneck = nn.Conv2d(c, c, cfg.bottleneck_kernel, padding=cfg.bottleneck_padding)
        self.decoder = nn.Sequential(
            nn.Conv2d(c + cfg.in_channels, 64, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, len(cfg.flows), 1),
        )

    def forward(self, x):
        z = self.encoder(x)
        z = F.relu(self.bottleneck(z))
        z = F.interpolate(z, size=(self.cfg.grid_h, self.cfg.grid_w), mode="bilinear", align_corners=False)
        return torch.tanh(self.decoder(torch.cat([z, x], 1)))


def train(cfg: GridFlowConfig):
    torch.manual_seed(cfg.seed)
    flows = simulate_grid_flows(cfg)
    X, Y, scale = make_samples(flows, cfg)
    print(f"samples: X{tuple(X.shape)} Y{tuple(Y.shape)}, scale={scale.item():.0f} trips/interval")
    ds = TensorDataset(X, Y)
    n_val = len(ds) // 5
    train_ds, val_ds = random_split(ds, [len(ds) - n_val, n_val])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=128)

    model = GridFlowNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        model.train()
        for xb, yb in train_dl:
            loss = F.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            se = sum(F.mse_loss(model(xb), yb, reduction="sum").item() for xb, yb in val_dl)
        rmse = (se / (n_val * Y[0].numel())) ** 0.5 * scale.item()
        print(f"epoch {epoch}: val RMSE {rmse:.2f} trips per cell")
    return model


if __name__ == "__main__":
    train(GridFlowConfig())
