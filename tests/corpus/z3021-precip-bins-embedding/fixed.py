import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

RAIN_EDGES = np.array([0.1, 1.0, 5.0, 10.0, 20.0])  # mm/day


@dataclass
class Stations:
    lat: np.ndarray
    lon: np.ndarray
    precip: np.ndarray  # (time, station)


def get_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--n-stations", type=int, default=24)
    ap.add_argument("--window", type=int, default=14)
    ap.add_argument("--d-model", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--bs", type=int, default=64)
    ap.add_argument("--seed", type=int, default=11)
    return ap.parse_args(["--days", "300", "--n-stations", "20", "--window", "10"])


def make_grid(days, rng):
    lats = np.arange(35.0, 55.01, 1.0)
    lons = np.arange(-10.0, 20.01, 1.0)
    tt = np.arange(days)[:, None, None]
    tcwv = 18 + 6 * np.cos(np.deg2rad(lats))[None, :, None] \
        + 4 * np.sin(2 * np.pi * tt / 365.0) \
        + rng.gamma(2.0, 1.5, size=(days, lats.size, lons.size))
    return tcwv.astype(np.float32), lats, lons


def make_stations(n, days, rng):
    lat = rng.uniform(36, 54, n)
    lon = rng.uniform(-9, 19, n)
    wet = rng.random((days, n)) < 0.45
    amount = rng.gamma(0.8, 6.0, size=(days, n))
    return Stations(lat, lon, np.where(wet, amount, 0.0))


def nearest_cell(lat, lon, grid_lats, grid_lons):
    iy = np.abs(grid_lats[None, :] - lat[:, None]).argmin(axis=1)
    ix = np.abs(grid_lons[None, :] - lon[:, None]).argmin(axis=1)
    return iy, ix


def rain_class(mm):
    return np.digitize(mm, RAIN_EDGES)


class StationWindows(Dataset):
    def __init__(self, cls, tcwv_at_station, window):
        self.samples = []
        days, nst = cls.shape
        for s in range(nst):
            for t0 in range(days - window):
                self.samples.append((s, t0))
        self.cls, self.tcwv, self.window = cls, tcwv_at_station, window

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        s, t0 = self.samples[i]
        w = self.window
        return {
            "tokens": torch.as_tensor(self.cls[t0:t0 + w, s], dtype=torch.long),
            "tcwv": torch.as_tensor(self.tcwv[t0:t0 + w, s, None], dtype=torch.float32),
            "target": torch.as_tensor(self.cls[t0 + w, s], dtype=torch.long),
        }


class RainSeqModel(nn.Module):
    def __init__(self, n_classes, d_model, window):
        super().__init__()
        self.tok = nn.Embedding(n_classes, d_model)
        self.pos = nn.Parameter(torch.zeros(1, window, d_model))
        self.met = nn.Linear(1, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64,
                                           dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, tokens, tcwv):
        h = self.tok(tokens) + self.met(tcwv) + self.pos
        h = self.enc(h)
        return self.head(h[:, -1])


def main():
    args = get_args()
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)

    tcwv, glat, glon = make_grid(args.days, rng)
    st = make_stations(args.n_stations, args.days, rng)
    iy, ix = nearest_cell(st.lat, st.lon, glat, glon)
    tcwv_st = tcwv[:, iy, ix]
    tcwv_st = (tcwv_st - tcwv_st.mean()) / tcwv_st.std()

    cls = rain_class(st.precip)
    n_classes = len(RAIN_EDGES) + 1
    print("class counts:", np.bincount(cls.ravel()))

    split = int(0.75 * args.days)
    train_ds = StationWindows(cls[:split], tcwv_st[:split], args.window)
    val_ds = StationWindows(cls[split:], tcwv_st[split:], args.window)
    train_dl = DataLoader(train_ds, batch_size=args.bs, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.bs)

    model = RainSeqModel(n_classes, args.d_model, args.window)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    ce = nn.CrossEntropyLoss()

    for ep in range(args.epochs):
        model.train()
        tot = 0.0
        for batch in train_dl:
            logits = model(batch["tokens"], batch["tcwv"])
            loss = ce(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(batch["target"])
        model.eval()
        hits = n = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["tokens"], batch["tcwv"]).argmax(-1)
                hits += (pred == batch["target"]).sum().item()
                n += len(pred)
        print(f"epoch {ep} loss {tot / len(train_ds):.3f} val acc {hits / n:.3f}")


if __name__ == "__main__":
    main()
