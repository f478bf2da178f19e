"""State-of-charge estimation from BMS telemetry windows.

Each sample is a window of (voltage, current, cell temperature) readings from a
pack under a drive-cycle-like load profile; target is SoC at the last step.
Static per-cell descriptors (nominal capacity, ageing, ambient temp, chemistry
flag) are concatenated to the sequence encoding before the regression head.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class SocConfig:
    n_dynamic: int = 3
    n_static: int = 4
    hidden_size: int = 64
    num_layers: int = 2
    bidirectional: bool = True
    head_hidden: int = 32
    dropout: float = 0.1
    window: int = 50
    n_cells: int = 16
    steps_per_cell: int = 500
    batch_size: int = 32
    lr: float = 2e-3
    epochs: int = 3
    seed: int = 11
    feature_names: list = field(default_factory=lambda: ["v_term", "i_pack", "t_cell"])


def ocv_curve(soc):
    return 3.0 + 1.2 * soc - 0.35 * np.exp(-12.0 * soc) + 0.08 * np.tanh(8.0 * (soc - 0.55))


def simulate_cell(rng, cfg):
    capacity_ah = rng.uniform(2.4, 3.2)
    soh = rng.uniform(0.78, 1.0)
    ambient = rng.uniform(5.0, 35.0)
    nmc = float(rng.random() < 0.5)
    r0 = 0.03 / soh
    soc = rng.uniform(0.7, 1.0)
    dt_h = 1.0 / 3600.0
    v, i, t, s = [], [], [], []
    temp = ambient
    for k in range(cfg.steps_per_cell):
        current = 3.0 * np.sin(k / 37.0) + 1.5 * rng.standard_normal() + 1.0
        soc = float(np.clip(soc - current * dt_h * 10 / (capacity_ah * soh), 0.02, 1.0))
        temp += 0.02 * (current ** 2) * r0 - 0.01 * (temp - ambient)
        v.append(ocv_curve(soc) - current * r0 + 0.005 * rng.standard_normal())
        i.append(current)
        t.append(temp)
        s.append(soc)
    dyn = np.stack([v, i, t], axis=1).astype(np.float32)
    static = np.array([capacity_ah, soh, ambient / 40.0, nmc], dtype=np.float32)
    return dyn, static, np.array(s, dtype=np.float32)


def make_windows(cfg):
    rng = np.random.default_rng(cfg.seed)
    X, S, Y = [], [], []
    for _ in range(cfg.n_cells):
        dyn, static, soc = simulate_cell(rng, cfg)
        for start in range(0, cfg.steps_per_cell - cfg.window, cfg.window // 2):
            X.append(dyn[start:start + cfg.window])
            S.append(static)
            Y.append(soc[start + cfg.window - 1])
    X = np.stack(X)
    mu, sd = X.reshape(-1, X.shape[-1]).mean(0), X.reshape(-1, X.shape[-1]).std(0) + 1e-6
    X = (X - mu) / sd
    return (torch.from_numpy(X), torch.from_numpy(np.stack(S)),
            torch.from_numpy(np.array(Y, dtype=np.float32)).unsqueeze(-1))


class SocEstimator(nn.Module):
    def __init__(self, cfg: SocConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.LSTM(
            input_size=cfg.n_dynamic,
            hidden_size=cfg.hidden_size,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout,
            bidirectional=cfg.bidirectional,
        )
        self.static_norm = nn.LayerNorm(cfg.n_static)
        enc_dim = cfg.hidden_size * (2 if cfg.bidirectional else 1)
        self.head = nn.Sequential(
            nn.Linear(enc_dim + cfg.n_static, cfg.head_hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.head_hidden, 1),
            nn.Sigmoid(),
        )

    def forward(self, seq, static):
        out, _ = self.encoder(seq)
        last = out[:, -1, :]
        z = torch.cat([last, self.static_norm(static)], dim=-1)
        return self.head(z)


def train(cfg: SocConfig):
    torch.manual_seed(cfg.seed)
    X, S, Y = make_windows(cfg)
    n_train = int(0.8 * len(X))
    train_ds = TensorDataset(X[:n_train], S[:n_train], Y[:n_train])
    val_ds = TensorDataset(X[n_train:], S[n_train:], Y[n_train:])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)
    print(f"windows: train={len(train_ds)} val={len(val_ds)} features={cfg.feature_names}")

    model = SocEstimator(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()
    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for seq, static, soc in train_dl:
            pred = model(seq, static)
            loss = loss_fn(pred, soc)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * seq.shape[0]
        model.eval()
        with torch.no_grad():
            err = torch.cat([(model(s, st) - y).abs() for s, st, y in val_dl])
        print(f"epoch {epoch}: train_mse={running / len(train_ds):.5f} val_mae={err.mean().item() * 100:.2f}% SoC")
    return model


if __name__ == "__main__":
    train(SocConfig())
