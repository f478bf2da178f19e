import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

GUST_BINS = np.array([8.0, 14.0, 20.0, 26.0])


def parse(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--nt", type=int, default=150)
    ap.add_argument("--nlat", type=int, default=20)
    ap.add_argument("--nlon", type=int, default=28)
    ap.add_argument("--n-stations", type=int, default=30)
    ap.add_argument("--seq", type=int, default=6)
    ap.add_argument("--hid", type=int, default=12)
    ap.add_argument("--bs", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=2)
    return ap.parse_args(argv)


def make_grid(nt, nlat, nlon, rng):
    lat = np.linspace(58.0, 48.0, nlat)
    lon = np.linspace(-8.0, 6.0, nlon)
    storm = np.exp(-((np.arange(nt) % 40) - 20) ** 2 / 30.0)[:, None, None]
    u = 6 + 14 * storm + 3 * rng.standard_normal((nt, nlat, nlon))
    v = 2 + 5 * rng.standard_normal((nt, nlat, nlon))
    msl = 1010 - 25 * storm + rng.standard_normal((nt, nlat, nlon))
    return lat, lon, np.stack([u, v, msl], axis=1).astype(np.float32)


def make_stations(n, lat, lon, rng):
    slat = rng.uniform(lat.min(), lat.max(), n)
    slon = rng.uniform(lon.min(), lon.max(), n)
    return slat, slon


def nearest_cell(slat, slon, lat, lon):
    iy = np.abs(lat[None, :] - slat[:, None]).argmin(1)
    ix = np.abs(lon[None, :] - slon[:, None]).argmin(1)
    return iy, ix


def station_gusts(fields, iy, ix, rng):
    u = fields[:, 0, iy, ix]
    v = fields[:, 1, iy, ix]
    speed = np.hypot(u, v)
    return speed * rng.uniform(1.2, 1.6, speed.shape)


def zscore(fields):
    m = fields.mean(axis=(0, 2, 3), keepdims=True)
    s = fields.std(axis=(0, 2, 3), keepdims=True)
    return (fields - m) / s


class GustWindows(Dataset):
    def __init__(self, x, classes, seq):
        self.x, self.classes, self.seq = x, classes, seq

    def __len__(self):
        return len(self.x) - self.seq

    def __getitem__(self, t):
        return {
            "seq": torch.from_numpy(self.x[t : t + self.seq]),
            "cls": torch.from_numpy(self.classes[t + self.seq]).long(),
        }


class ConvLSTMCell(nn.Module):
    def __init__(self, cin, hid, k=3):
        super().__init__()
        self.hid = hid
        self.gates = nn.Conv2d(cin + hid, 4 * hid, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = self.gates(torch.cat([x, h], 1)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class GustNet(nn.Module):
    def __init__(self, cin, hid, n_classes, iy, ix):
        super().__init__()
        self.cell = ConvLSTMCell(cin, hid)
        self.head = nn.Conv2d(hid, n_classes, 1)
        self.register_buffer("iy", torch.as_tensor(iy))
        self.register_buffer("ix", torch.as_tensor(ix))

    def forward(self, seq):
        b, t, _, H, W = seq.shape
        h = seq.new_zeros(b, self.cell.hid, H, W)
        c = torch.zeros_like(h)
        for k in range(t):
            h, c = self.cell(seq[:, k], (h, c))
        logits = self.head(h)
        return logits[:, :, self.iy, self.ix]


def main():
    cfg = parse(["--nt", "120", "--n-stations", "24", "--epochs", "2"])
    rng = np.random.default_rng(3)
    torch.manual_seed(3)
    lat, lon, fields = make_grid(cfg.nt, cfg.nlat, cfg.nlon, rng)
    slat, slon = make_stations(cfg.n_stations, lat, lon, rng)
    iy, ix = nearest_cell(slat, slon, lat, lon)
    gusts = station_gusts(fields, iy, ix, rng)
    classes = np.digitize(gusts, GUST_BINS)
    n_classes = len(GUST_BINS) + 1
    print("gust class histogram:", np.bincount(classes.ravel()))

    x = zscore(fields)
    split = int(0.75 * cfg.nt)
    train = DataLoader(GustWindows(x[:split], classes[:split], cfg.seq), batch_size=cfg.bs, shuffle=True)
    valid = DataLoader(GustWindows(x[split:], classes[split:], cfg.seq), batch_size=cfg.bs)

    net = GustNet(x.shape[1], cfg.hid, n_classes, iy, ix)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for ep in range(cfg.epochs):
        net.train()
        tot = []
        for batch in train:
            logits = net(batch["seq"])
            loss = F.cross_entropy(logits, batch["cls"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot.append(loss.item())
        net.eval()
        hits, n = 0, 0
        with torch.no_grad():
            for batch in valid:
                pred = net(batch["seq"]).argmax(1)
                hits += (pred == batch["cls"]).sum().item()
                n += batch["cls"].numel()
        print(f"epoch {ep}: loss {np.mean(tot):.3f}  station accuracy {hits / n:.3f}")


if __name__ == "__main__":
    main()
