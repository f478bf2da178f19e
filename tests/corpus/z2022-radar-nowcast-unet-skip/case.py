import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

RADAR_GRID = 28
N_STORMS = 12
DIFF_STEPS = 300


def load_radar_sequences(n_storms, grid=RADAR_GRID):
    """Synthetic reflectivity: a drifting gaussian cell, returns (prev_frame, next_frame) pairs."""
    ys, xs = torch.meshgrid(torch.arange(grid).float(), torch.arange(grid).float(), indexing="ij")
    prev, nxt = [], []
    for _ in range(n_storms):
        cy, cx = torch.rand(2) * (grid - 8) + 4
        vy, vx = torch.randn(2) * 1.5
        width = 2.0 + torch.rand(()) * 3.0
        for k in range(2):
            blob = torch.exp(-((ys - cy - k * vy) ** 2 + (xs - cx - k * vx) ** 2) / (2 * width ** 2))
            (prev if k == 0 else nxt).append(blob.unsqueeze(0))
    return torch.stack(prev) * 2 - 1, torch.stack(nxt) * 2 - 1


def sinusoid(t, dim):
    half = dim // 2
    scale = math.log(10000) / (half - 1)
    freqs = torch.exp(torch.arange(half) * -scale)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat((args.sin(), args.cos()), dim=1)


class Block(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.n1 = nn.GroupNorm(4, cout)
        self.n2 = nn.GroupNorm(4, cout)
        self.tproj = nn.Linear(tdim, cout)

    def forward(self, x, temb):
        h = F.silu(self.n1(self.c1(x)))
        h = h + self.tproj(temb)[..., None, None]
        return F.silu(self.n2(self.c2(h)))


class NowcastUNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 64), tdim=64):
        super().__init__()
        self.tdim = tdim
        self.tmlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = nn.Conv2d(2, widths[0], 3, padding=1)
        self.enc = nn.ModuleList()
        self.pool = nn.ModuleList()
        for a, b in zip(widths[:-1], widths[1:]):
            self.enc.append(Block(a, a, tdim))
            self.pool.append(nn.Conv2d(a, b, 3, stride=2, padding=1))
        self.mid = Block(widths[-1], widths[-1], tdim)
        self.unpool = nn.ModuleList()
        self.dec = nn.ModuleList()
        for a, b in zip(reversed(widths[1:]), reversed(widths[:-1])):
            self.unpool.append(nn.ConvTranspose2d(a, b, 2, stride=2))
            self.dec.append(Block(2 * b, b, tdim))
        self.head = nn.Conv2d(widths[0], 1, 1)

    def forward(self, noisy_next, prev_frame, t):
        temb = self.tmlp(sinusoid(t, self.tdim))
        h = self.stem(torch.cat([noisy_next, prev_frame], dim=1))
        skips = []
        for blk, down in zip(self.enc, self.pool):
            h = blk(h, temb)
            skips.append(h)
            h = down(h)
        h = self.mid(h, temb)
        for up, blk in zip(self.unpool, self.dec):
            h = up(h)
            h = blk(torch.cat([h, skips.pop()], dim=1), temb)
        return self.head(h)


@torch.no_grad()
def forecast(model, prev_frame, betas, stride=30):
    abar = torch.cumprod(1 - betas, 0)
    x = torch.randn_like(prev_frame)
    for s in reversed(range(0, len(betas), stride)):
        tt = torch.full((x.shape[0],), s, dtype=torch.long)
        eps = model(x, prev_frame, tt)
        x0 = ((x - (1 - abar[s]).sqrt() * eps) / abar[s].sqrt()).clamp(-1, 1)
        a_prev = abar[s - stride] if s >= stride else torch.tensor(1.0)
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x


def main():
    prev_frames, next_frames = load_radar_sequences(N_STORMS)
    print("radar pairs", tuple(prev_frames.shape), tuple(next_frames.shape))

    model = NowcastUNet()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    betas = torch.linspace(1e-4, 0.02, DIFF_STEPS)
    abar = torch.cumprod(1 - betas, 0)

    for epoch in range(4):
        order = torch.randperm(N_STORMS)
        for i in range(0, N_STORMS, 4):
            sel = order[i:i + 4]
            target, cond = next_frames[sel], prev_frames[sel]
            t = torch.randint(0, DIFF_STEPS, (len(sel),))
            noise = torch.randn_like(target)
            coef = abar[t].view(-1, 1, 1, 1)
            noisy = coef.sqrt() * target + (1 - coef).sqrt() * noise
            loss = F.mse_loss(model(noisy, cond, t), noise)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: {loss.item():.4f}")

    pred = forecast(model, prev_frames[:2], betas)
    print("forecast", tuple(pred.shape), "max reflectivity", float(pred.max()))


if __name__ == "__main__":
    main()
