"""Probabilistic precipitation nowcasting with a conditional DDPM.

Given the last 4 radar reflectivity frames, a small UNet denoises the next frame.
Synthetic radar: Gaussian rain cells advected by a constant wind on a 4 km grid.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

DOMAIN_KM = 144
GRID_RES_KM = 4
N_PX = DOMAIN_KM // GRID_RES_KM
N_PAST = 4
DIFF_STEPS = 100


def simulate_storms(n_seq, n_frames=N_PAST + 1):
    yy, xx = torch.meshgrid(torch.arange(N_PX).float(), torch.arange(N_PX).float(), indexing="ij")
    seqs = torch.zeros(n_seq, n_frames, N_PX, N_PX)
    for s in range(n_seq):
        n_cells = torch.randint(1, 4, ()).item()
        pos = torch.rand(n_cells, 2) * N_PX
        wind = (torch.rand(2) - 0.5) * 3
        size = 2 + torch.rand(n_cells) * 4
        for f in range(n_frames):
            p = pos + wind * f
            d2 = (yy[None] - p[:, 0, None, None]) ** 2 + (xx[None] - p[:, 1, None, None]) ** 2
            seqs[s, f] = torch.exp(-d2 / (2 * size[:, None, None] ** 2)).sum(0).clamp(max=1)
    return seqs * 2 - 1


def timestep_features(t, dim):
    half = dim // 2
    w = torch.exp(-math.log(10000.0) * torch.arange(half) / half)
    return torch.cat([torch.sin(t[:, None] * w), torch.cos(t[:, None] * w)], dim=1)


class Block(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout)
        self.n1 = nn.GroupNorm(8, cout)
        self.n2 = nn.GroupNorm(8, cout)

    def forward(self, x, temb):
        h = F.silu(self.n1(self.c1(x))) + self.t(temb)[:, :, None, None]
        return F.silu(self.n2(self.c2(h)))


class NowcastUNet(nn.Module):
    def __init__(self, base=16, tdim=64):
        super().__init__()
        self.tdim = tdim
        self.tmlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.e1 = Block(1 + N_PAST, base, tdim)
        self.e2 = Block(base, 2 * base, tdim)
        self.e3 = Block(2 * base, 4 * base, tdim)
        self.pool = nn.ModuleList([nn.Conv2d(c, c, 3, stride=2, padding=1) for c in (base, 2 * base, 4 * base)])
        self.bott = Block(4 * base, 4 * base, tdim)
        self.d3 = Block(8 * base, 2 * base, tdim)
        self.d2 = Block(4 * base, base, tdim)
        self.d1 = Block(2 * base, base, tdim)
        self.out = nn.Conv2d(base, 1, 1)

    def up(self, h):
        return F.interpolate(h, scale_factor=2, mode="nearest")

    def forward(self, noisy_next, past, t):
        temb = self.tmlp(timestep_features(t.float(), self.tdim))
        s1 = self.e1(torch.cat([noisy_next, past], dim=1), temb)
        s2 = self.e2(self.pool[0](s1), temb)
        s3 = self.e3(self.pool[1](s2), temb)
        h = self.bott(self.pool[2](s3), temb)
        h = self.d3(torch.cat([self.up(h), s3], dim=1), temb)
        h = self.d2(torch.cat([self.up(h), s2], dim=1), temb)
        h = self.d1(torch.cat([self.up(h), s1], dim=1), temb)
        return self.out(h)


def main():
    seqs = simulate_storms(160)
    past, target = seqs[:, :N_PAST], seqs[:, N_PAST:]
    print(f"radar grid {N_PX}x{N_PX} px, {past.shape[0]} sequences")

    net = NowcastUNet()
    betas = torch.linspace(1e-4, 0.05, DIFF_STEPS)
    alpha_bar = torch.cumprod(1 - betas, dim=0)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    for it in range(40):
        idx = torch.randint(0, past.shape[0], (16,))
        x0, ctx = target[idx], past[idx]
        t = torch.randint(0, DIFF_STEPS, (16,))
        eps = torch.randn_like(x0)
        ab = alpha_bar[t].view(-1, 1, 1, 1)
        pred = net(ab.sqrt() * x0 + (1 - ab).sqrt() * eps, ctx, t)
        loss = F.mse_loss(pred, eps)
        opt.zero_grad(); loss.backward(); opt.step()
        if it % 10 == 0:
            print(f"iter {it:3d}  loss {loss.item():.4f}")

    net.eval()
    ctx = past[:4]
    with torch.no_grad():
        members = []
        for member in range(3):
            x = torch.randn(4, 1, N_PX, N_PX)
            for i in reversed(range(DIFF_STEPS)):
                e = net(x, ctx, torch.full((4,), i))
                x = (x - betas[i] / (1 - alpha_bar[i]).sqrt() * e) / (1 - betas[i]).sqrt()
                if i > 0:
                    x = x + betas[i].sqrt() * torch.randn_like(x)
            members.append(x)
        ens = torch.stack(members)
    csi_mask = (ens.mean(0) > 0) == (target[:4] > 0)
    print(f"ensemble spread {ens.std(0).mean():.3f}, rain/no-rain agreement {csi_mask.float().mean():.3f}")


if __name__ == "__main__":
    main()
