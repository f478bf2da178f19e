import argparse
import numpy as np
import torch
import torch.nn as nn


def parse(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--nt", type=int, default=200)
    p.add_argument("--ny", type=int, default=24)
    p.add_argument("--nx", type=int, default=32)
    p.add_argument("--seq", type=int, default=6)
    p.add_argument("--nstat", type=int, default=40)
    p.add_argument("--missing-frac", type=float, default=0.15)
    p.add_argument("--hid", type=int, default=8)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=16)
    return p.parse_args(argv)


def msl_field(nt, ny, nx, rng):
    y, x = np.meshgrid(np.linspace(0, 1, ny), np.linspace(0, 1, nx), indexing="ij")
    out = np.empty((nt, ny, nx), dtype=np.float32)
    for t in range(nt):
        cx, cy = (0.1 + 0.004 * t) % 1.0, 0.5 + 0.2 * np.sin(t / 15)
        low = -15.0 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.03)
        out[t] = 1013.0 + low + rng.normal(0, 0.5, (ny, nx))
    return out


def station_obs(field, nstat, missing_frac, rng):
    nt, ny, nx = field.shape
    jy = rng.integers(0, ny, nstat)
    jx = rng.integers(0, nx, nstat)
    obs = field[:, jy, jx] + rng.normal(0, 0.8, (nt, nstat)).astype(np.float32)
    obs[rng.random(obs.shape) < missing_frac] = np.nan
    return obs, jy, jx


def windows(field, obs, seq):
    for t in range(seq, field.shape[0]):
        target = obs[t]
        yield {
            "x": field[t - seq:t, None],
            "y": np.nan_to_num(target, nan=0.0),
            "miss": np.isnan(target),
        }


def collate(items):
    return {k: np.stack([it[k] for it in items]) for k in items[0]}


def to_tensors(batch):
    return {k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in batch.items()}


class ConvLSTMCell(nn.Module):
    def __init__(self, cin, hid, k=3):
        super().__init__()
        self.hid = hid
        self.gates = nn.Conv2d(cin + hid, 4 * hid, k, padding=k // 2)

    def forward(self, x, state):
        h, c = state
        i, f, o, g = torch.chunk(self.gates(torch.cat([x, h], 1)), 4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class Nowcaster(nn.Module):
    def __init__(self, hid):
        super().__init__()
        self.cell = ConvLSTMCell(1, hid)
        self.out = nn.Conv2d(hid, 1, 1)

    def forward(self, seq):
        b, t, _, ny, nx = seq.shape
        h = seq.new_zeros(b, self.cell.hid, ny, nx)
        c = torch.zeros_like(h)
        for k in range(t):
            h, c = self.cell(seq[:, k], (h, c))
        return self.out(h)[:, 0]


def station_loss(pred_grid, obs, miss, jy, jx):
    at_stations = pred_grid[:, jy, jx]
    err = (at_stations - obs) ** 2
    err = err.masked_fill(miss, 0.0)
    return err.sum() / (~miss).sum().clamp(min=1)


def main():
    args = parse(["--nt", "160", "--seq", "5", "--nstat", "30", "--epochs", "2"])
    rng = np.random.default_rng(2024)
    torch.manual_seed(2024)

    msl = msl_field(args.nt, args.ny, args.nx, rng)
    obs, jy, jx = station_obs(msl, args.nstat, args.missing_frac, rng)
    clim_mean, clim_std = msl.mean(), msl.std()
    msl_n = (msl - clim_mean) / clim_std
    obs_n = (obs - clim_mean) / clim_std

    samples = list(windows(msl_n, obs_n, args.seq))
    print(f"{len(samples)} windows, {np.isnan(obs).mean():.1%} of station obs missing")

    jy_t, jx_t = torch.from_numpy(jy), torch.from_numpy(jx)
    model = Nowcaster(args.hid)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(args.epochs):
        order = rng.permutation(len(samples))
        losses = []
        for s in range(0, len(order), args.batch):
            batch = to_tensors(collate([samples[i] for i in order[s:s + args.batch]]))
            pred = model(batch["x"])
            loss = station_loss(pred, batch["y"], batch["miss"], jy_t, jx_t)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: station mse {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
