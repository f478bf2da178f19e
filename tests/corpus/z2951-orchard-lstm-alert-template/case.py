import configparser
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

STATION_INI = """
[station]
blocks = A1,A2,B1,B2,C1
hours = 72
features = temp,humidity,wind,soil_moist

[model]
hidden = 20
epochs = 3
lr = 0.01

[alerts]
frost_temp = 1.5
dry_soil = 0.22
frost_msg = Block {block}: frost risk, min temp {tmin:.1f} C
dry_msg = Block {block}: soil moisture under 22% of field capacity, irrigate within {hrs} h
"""


def open_config(text):
    cp = configparser.ConfigParser()
    cp.read_string(text)
    return cp


FEATURES = {
    "temp": lambda r: (r["temp"] - 10.0) / 8.0,
    "humidity": lambda r: r["humidity"] / 100.0,
    "wind": lambda r: np.sqrt(np.clip(r["wind"], 0, None)) / 3.0,
    "soil_moist": lambda r: r["soil_moist"],
}


@dataclass
class BlockLog:
    block: str
    raw: dict
    feats: np.ndarray = field(default=None)


def simulate(cp, seed=21):
    rng = np.random.default_rng(seed)
    hours = cp.getint("station", "hours")
    t = np.arange(hours)
    logs = []
    for b in cp["station"]["blocks"].split(","):
        base = rng.uniform(2, 12)
        raw = {
            "temp": base + 6 * np.sin(2 * np.pi * (t - 9) / 24) + rng.normal(0, 0.7, hours),
            "humidity": np.clip(70 + rng.normal(0, 8, hours), 20, 100),
            "wind": np.abs(rng.normal(3, 1.5, hours)),
            "soil_moist": np.clip(0.35 - 0.002 * t * rng.uniform(0.3, 1.2) + rng.normal(0, 0.01, hours), 0, 1),
        }
        logs.append(BlockLog(b, raw))
    names = cp["station"]["features"].split(",")
    for log in logs:
        log.feats = np.stack([FEATURES[n](log.raw) for n in names], axis=1).astype(np.float32)
    return logs


class NextHourLSTM(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, batch_first=True)
        self.proj = nn.Linear(hidden, n_in)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.proj(out)


def cmd_fit(cp, logs):
    torch.manual_seed(0)
    x = torch.from_numpy(np.stack([l.feats for l in logs]))
    model = NextHourLSTM(x.shape[-1], cp.getint("model", "hidden"))
    opt = torch.optim.Adam(model.parameters(), lr=cp.getfloat("model", "lr"))
    for ep in range(cp.getint("model", "epochs")):
        pred = model(x[:, :-1])
        loss = nn.functional.mse_loss(pred, x[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {ep}: mse {loss.item():.4f}")
    return model


def cmd_forecast(model, logs, horizon=6):
    model.eval()
    x = torch.from_numpy(np.stack([l.feats for l in logs]))
    with torch.no_grad():
        seq = x.clone()
        for _ in range(horizon):
            nxt = model(seq)[:, -1:]
            seq = torch.cat([seq, nxt], dim=1)
    return seq[:, -horizon:].numpy()


def cmd_alerts(cp, logs, forecast):
    names = cp["station"]["features"].split(",")
    t_i, m_i = names.index("temp"), names.index("soil_moist")
    frost_t = cp.getfloat("alerts", "frost_temp")
    dry = cp.getfloat("alerts", "dry_soil")
    lines = []
    for log, fc in zip(logs, forecast):
        tmin = float(fc[:, t_i].min() * 8.0 + 10.0)
        moist = float(fc[:, m_i].min())
        if tmin < frost_t:
            lines.append(cp.get("alerts", "frost_msg").format(block=log.block, tmin=tmin))
        if moist < dry:
            lines.append(cp.get("alerts", "dry_msg").format(block=log.block, hrs=fc.shape[0]))
    return lines


def main():
    cp = open_config(STATION_INI)
    logs = simulate(cp)
    model = cmd_fit(cp, logs)
    forecast = cmd_forecast(model, logs)
    for line in cmd_alerts(cp, logs, forecast) or ["no alerts"]:
        print(line)


if __name__ == "__main__":
    main()
