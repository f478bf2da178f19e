import configparser
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

RAW_INI = """
[site]
plots = P01, P02, P03, P04, P05, P06
days = 120
et0_base_mm = 4.2

[features]
order = vwc_10cm, vwc_30cm, et0, rain_mm

[lstm]
window = 14
hidden = 20
layers = 1

[optim]
epochs = 4
batch_size = 32
lr = 0.004

[export]
line_format = %(plot)s;day=%(day)d;irrigate_mm=%(mm).1f
min_mm = 2.0
"""


def load_cfg(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def listopt(cfg, section, key):
    return [v.strip() for v in cfg.get(section, key).split(",") if v.strip()]


FEATURE_REGISTRY = {
    "vwc_10cm": lambda a: (a - 0.22) / 0.06,
    "vwc_30cm": lambda a: (a - 0.26) / 0.05,
    "et0": lambda a: a / 8.0,
    "rain_mm": lambda a: np.log1p(a) / 3.0,
}


def simulate_plot(days, et0_base, rng):
    et0 = np.clip(et0_base + 1.5 * np.sin(np.arange(days) / 9.0) + 0.4 * rng.standard_normal(days), 0.5, None)
    rain = np.where(rng.random(days) < 0.15, rng.gamma(2.0, 6.0, days), 0.0)
    vwc10 = np.empty(days)
    vwc30 = np.empty(days)
    vwc10[0], vwc30[0] = 0.24, 0.27
    for d in range(1, days):
        vwc10[d] = np.clip(vwc10[d - 1] - 0.006 * et0[d] + 0.004 * rain[d], 0.08, 0.40)
        vwc30[d] = np.clip(0.9 * vwc30[d - 1] + 0.1 * vwc10[d - 1], 0.10, 0.42)
    need = np.clip(25.0 * (0.24 - vwc10) + 0.6 * et0, 0.0, None)
    return {"vwc_10cm": vwc10, "vwc_30cm": vwc30, "et0": et0, "rain_mm": rain}, need


def iter_windows(features, target, window):
    for end in range(window, len(target)):
        yield features[end - window:end], target[end]


class IrrigationLSTM(nn.Module):
    def __init__(self, n_in, hidden, layers):
        super().__init__()
        self.rnn = nn.LSTM(n_in, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        seq, _ = self.rnn(x)
        return self.head(seq[:, -1]).squeeze(-1)


def build_dataset(cfg, rng):
    order = listopt(cfg, "features", "order")
    window = cfg.getint("lstm", "window")
    xs, ys, latest = [], [], {}
    for plot in listopt(cfg, "site", "plots"):
        raw, need = simulate_plot(cfg.getint("site", "days"), cfg.getfloat("site", "et0_base_mm"), rng)
        feats = np.stack([FEATURE_REGISTRY[name](raw[name]) for name in order], axis=1)
        for xw, yv in iter_windows(feats, need, window):
            xs.append(xw)
            ys.append(yv)
        latest[plot] = torch.tensor(feats[-window:], dtype=torch.float32)
    x = torch.tensor(np.array(xs), dtype=torch.float32)
    y = torch.tensor(np.array(ys), dtype=torch.float32)
    return x, y, latest


def train(cfg, model, x, y):
    loader = DataLoader(TensorDataset(x, y), batch_size=cfg.getint("optim", "batch_size"), shuffle=True)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.getfloat("optim", "lr"))
    for ep in range(cfg.getint("optim", "epochs")):
        tot = 0.0
        for xb, yb in loader:
            loss = nn.functional.smooth_l1_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(xb)
        print(f"epoch {ep + 1} huber={tot / len(x):.4f}")


def export_schedule(cfg, model, latest, day, out=sys.stdout):
    fmt = cfg.get("export", "line_format")
    min_mm = cfg.getfloat("export", "min_mm")
    model.eval()
    with torch.no_grad():
        preds = {p: model(w.unsqueeze(0)).item() for p, w in latest.items()}
    for plot, mm in sorted(preds.items()):
        if mm >= min_mm:
            out.write(fmt % {"plot": plot, "day": day, "mm": mm} + "\n")


def main():
    cfg = load_cfg(RAW_INI)
    torch.manual_seed(5)
    rng = np.random.default_rng(5)
    x, y, latest = build_dataset(cfg, rng)
    print(f"windows: {tuple(x.shape)}, mean need {y.mean():.2f} mm")
    model = IrrigationLSTM(x.shape[-1], cfg.getint("lstm", "hidden"), cfg.getint("lstm", "layers"))
    train(cfg, model, x, y)
    export_schedule(cfg, model, latest, day=cfg.getint("site", "days") + 1)


if __name__ == "__main__":
    main()
