import configparser
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

INI = """
[farm]
crops = maize, soybean, wheat, sunflower, alfalfa
n_plots = 40
readings_per_plot = 96

[model]
window = 24
hidden = 32
crop_dim = 6

[fit]
epochs = 3
batch_size = 8
lr = 0.002
"""


@dataclass
class RunSettings:
    crops: list
    n_plots: int
    readings_per_plot: int
    window: int
    hidden: int
    crop_dim: int
    epochs: int
    batch_size: int
    lr: float


def parse_settings(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return RunSettings(
        crops=[c.strip() for c in cp["farm"]["crops"].split(",")],
        n_plots=cp.getint("farm", "n_plots"),
        readings_per_plot=cp.getint("farm", "readings_per_plot"),
        window=cp.getint("model", "window"),
        hidden=cp.getint("model", "hidden"),
        crop_dim=cp.getint("model", "crop_dim"),
        epochs=cp.getint("fit", "epochs"),
        batch_size=cp.getint("fit", "batch_size"),
        lr=cp.getfloat("fit", "lr"),
    )


FEATURE_FNS = {
    "vwc": lambda a: (a - 0.25) / 0.1,
    "ec": lambda a: np.log1p(a),
    "canopy_temp": lambda a: (a - 22.0) / 5.0,
}


def synth_plots(s: RunSettings, seed=3):
    rng = np.random.default_rng(seed)
    crop_idx = rng.integers(0, len(s.crops), size=s.n_plots)
    area = rng.uniform(0.5, 4.0, size=s.n_plots)
    elevation = rng.uniform(80, 420, size=s.n_plots)
    plot_table = np.column_stack([area, elevation, crop_idx])

    series = {
        "vwc": 0.25 + 0.05 * rng.standard_normal((s.n_plots, s.readings_per_plot)),
        "ec": rng.gamma(2.0, 0.4, size=(s.n_plots, s.readings_per_plot)),
        "canopy_temp": 22 + 4 * rng.standard_normal((s.n_plots, s.readings_per_plot)),
    }
    stress = (series["vwc"][:, -s.window:].mean(1) < 0.25).astype(np.int64)
    return plot_table, series, stress


class PlotWindows(Dataset):
    def __init__(self, plot_table, series, labels, window):
        feats = [FEATURE_FNS[k](series[k][:, -window:]) for k in FEATURE_FNS]
        self.x = torch.tensor(np.stack(feats, axis=-1), dtype=torch.float32)
        self.static = torch.from_numpy(plot_table[:, :2]).float()
        self.crop = torch.from_numpy(plot_table[:, 2])
        self.y = torch.from_numpy(labels)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"x": self.x[i], "static": self.static[i], "crop": self.crop[i], "y": self.y[i]}


class StressLSTM(nn.Module):
    def __init__(self, n_feats, n_crops, s: RunSettings):
        super().__init__()
        self.lstm = nn.LSTM(n_feats, s.hidden, batch_first=True)
        self.crop_emb = nn.Embedding(n_crops, s.crop_dim)
        self.static_proj = nn.Linear(2, 8)
        self.out = nn.Linear(s.hidden + s.crop_dim + 8, 2)

    def forward(self, x, static, crop):
        _, (h, _) = self.lstm(x)
        z = torch.cat([h[-1], self.crop_emb(crop), torch.relu(self.static_proj(static))], dim=-1)
        return self.out(z)


def fit(model, loader, s: RunSettings):
    opt = torch.optim.AdamW(model.parameters(), lr=s.lr)
    crit = nn.CrossEntropyLoss()
    for ep in range(s.epochs):
        total, correct = 0.0, 0
        for batch in loader:
            logits = model(batch["x"], batch["static"], batch["crop"])
            loss = crit(logits, batch["y"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            correct += (logits.argmax(-1) == batch["y"]).sum().item()
        print(f"[ep {ep}] loss {total / len(loader):.4f} acc {correct / len(loader.dataset):.3f}")


def main():
    s = parse_settings(INI)
    torch.manual_seed(0)
    plot_table, series, stress = synth_plots(s)
    ds = PlotWindows(plot_table, series, stress, s.window)
    print(f"{len(ds)} plots, window={s.window}, stressed={int(stress.sum())}")
    loader = DataLoader(ds, batch_size=s.batch_size, shuffle=True)
    model = StressLSTM(len(FEATURE_FNS), len(s.crops), s)
    fit(model, loader, s)


if __name__ == "__main__":
    main()
