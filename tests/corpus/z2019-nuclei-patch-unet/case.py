"""DDPM on fluorescence-microscopy nuclei patches.

Synthetic 224x224 DAPI-like fields are tiled into non-overlapping patches and a
three-level UNet is trained to predict the added noise.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

FIELD_SIZE = 224
PATCH = 28
NUM_FIELDS = 2
T = 500


def synth_field(n_nuclei=40):
    yy, xx = torch.meshgrid(torch.arange(FIELD_SIZE).float(), torch.arange(FIELD_SIZE).float(), indexing="ij")
    field = torch.zeros(FIELD_SIZE, FIELD_SIZE)
    centres = torch.rand(n_nuclei, 2) * FIELD_SIZE
    radii = torch.rand(n_nuclei) * 5 + 4
    for (cy, cx), r in zip(centres, radii):
        field += torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r ** 2))
    field = field + 0.05 * torch.randn_like(field)
    return (field - field.min()) / (field.max() - field.min())


def tile_fields(fields):
    tiles = fields.unfold(1, PATCH, PATCH).unfold(2, PATCH, PATCH)
    tiles = tiles.reshape(-1, PATCH, PATCH)
    return tiles[:, None] * 2 - 1


def sincos(t, dim):
    half = dim // 2
    freq = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    arg = t.float()[:, None] * freq
    return torch.cat([arg.sin(), arg.cos()], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.tproj = nn.Linear(tdim, cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.n1(x))) + self.tproj(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.n2(h)))
        return h + self.skip(x)


class NucleiUNet(nn.Module):
    def __init__(self, chans=(16, 32, 48, 64), tdim=64):
        super().__init__()
        self.tdim = tdim
        self.tmlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = nn.Conv2d(1, chans[0], 3, padding=1)
        self.enc = nn.ModuleList([ResBlock(chans[i], chans[i], tdim) for i in range(len(chans) - 1)])
        self.downs = nn.ModuleList([nn.Conv2d(chans[i], chans[i + 1], 3, stride=2, padding=1)
                                    for i in range(len(chans) - 1)])
        self.mid = ResBlock(chans[-1], chans[-1], tdim)
        self.ups = nn.ModuleList([nn.Conv2d(chans[i + 1], chans[i], 3, padding=1)
                                  for i in reversed(range(len(chans) - 1))])
        self.dec = nn.ModuleList([ResBlock(chans[i] * 2, chans[i], tdim) for i in reversed(range(len(chans) - 1))])
        self.head = nn.Conv2d(chans[0], 1, 3, padding=1)

    def forward(self, x, t):
        temb = self.tmlp(sincos(t, self.tdim))
        h = self.stem(x)
        skips = []
        for block, down in zip(self.enc, self.downs):
            h = block(h, temb)
            skips.append(h)
            h = down(h)
        h = self.mid(h, temb)
        for up, block in zip(self.ups, self.dec):
            h = up(F.interpolate(h, scale_factor=2, mode="nearest"))
            h = block(torch.cat([h, skips.pop()], dim=1), temb)
        return self.head(F.silu(h))


def cosine_alpha_bar(steps, s=0.008):
    x = torch.linspace(0, steps, steps + 1)
    f = torch.cos(((x / steps) + s) / (1 + s) * math.pi / 2) ** 2
    ab = f / f[0]
    betas = (1 - ab[1:] / ab[:-1]).clamp(max=0.999)
    return torch.cumprod(1 - betas, dim=0)


def main():
    fields = torch.stack([synth_field() for _ in range(NUM_FIELDS)])
    patches = tile_fields(fields)
    print(f"{patches.shape[0]} patches of {PATCH}x{PATCH}")
    loader = DataLoader(TensorDataset(patches), batch_size=32, shuffle=True)

    alpha_bar = cosine_alpha_bar(T)
    unet = NucleiUNet()
    opt = torch.optim.AdamW(unet.parameters(), lr=2e-4)
    for epoch in range(2):
        total = 0.0
        for (x0,) in loader:
            t = torch.randint(0, T, (x0.shape[0],))
            noise = torch.randn_like(x0)
            ab = alpha_bar[t][:, None, None, None]
            xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
            loss = F.mse_loss(unet(xt, t), noise)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * x0.shape[0]
        print(f"epoch {epoch}: mse {total / len(patches):.4f}")


if __name__ == "__main__":
    main()
