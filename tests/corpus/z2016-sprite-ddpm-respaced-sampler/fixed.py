"""Tiny pixel-space DDPM on procedurally generated 16x16 sprites.

Trains with the full 1000-step linear schedule, then samples with a
respaced 100-step schedule (improved-DDPM style) to keep previews fast.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

TRAIN_STEPS = 1000
PREVIEW_STEPS = 100
SPRITE_RES = 16
N_CH = 3


def make_sprites(n):
    """Random coloured blobs on a dark background, mirrored left/right like game sprites."""
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, SPRITE_RES), torch.linspace(-1, 1, SPRITE_RES), indexing="ij")
    imgs = []
    for _ in range(n):
        cx, cy, r = torch.rand(3) * torch.tensor([0.6, 1.2, 0.5]) + torch.tensor([0.0, -0.6, 0.3])
        blob = (((xx.abs() - cx) ** 2 + (yy - cy) ** 2) < r ** 2).float()
        colour = torch.rand(N_CH, 1, 1)
        imgs.append(blob * colour * 2 - 1)
    return torch.stack(imgs)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class SpriteUNet(nn.Module):
    def __init__(self, base=32, temb_dim=64):
        super().__init__()
        self.temb_dim = temb_dim
        self.temb = nn.Sequential(nn.Linear(temb_dim, base * 2), nn.SiLU(), nn.Linear(base * 2, base * 2))
        self.inc = nn.Conv2d(N_CH, base, 3, padding=1)
        self.down = nn.Conv2d(base, base * 2, 3, stride=2, padding=1)
        self.mid = nn.Conv2d(base * 2, base * 2, 3, padding=1)
        self.up = nn.ConvTranspose2d(base * 2, base, 4, stride=2, padding=1)
        self.outc = nn.Conv2d(base * 2, N_CH, 3, padding=1)

    def forward(self, x, t):
        emb = self.temb(timestep_embedding(t, self.temb_dim))
        h1 = F.silu(self.inc(x))
        h2 = F.silu(self.down(h1)) + emb[:, :, None, None]
        h2 = F.silu(self.mid(h2))
        h3 = F.silu(self.up(h2))
        return self.outc(torch.cat([h3, h1], dim=1))


class GaussianDiffusion:
    def __init__(self, betas):
        self.betas = betas
        self.num_timesteps = betas.shape[0]
        self.alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)

    def q_sample(self, x0, t, noise):
        ab = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def respace_betas(diffusion, n_keep):
    """Pick n_keep evenly spaced training timesteps and derive the matching betas."""
    keep = torch.linspace(0, diffusion.num_timesteps - 1, n_keep).round().long()
    ab = diffusion.alphas_cumprod[keep]
    ab_prev = torch.cat([torch.ones(1), ab[:-1]])
    return 1.0 - ab / ab_prev, keep


class RespacedSampler:
    def __init__(self, diffusion, model, n_steps):
        self.diffusion = diffusion
        self.model = model
        self.betas, self.timestep_map = respace_betas(diffusion, n_steps)
        self.alphas = 1.0 - self.betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)
        ab_prev = torch.cat([torch.ones(1), self.alphas_cumprod[:-1]])
        self.posterior_var = self.betas * (1 - ab_prev) / (1 - self.alphas_cumprod)

    @torch.no_grad()
    def sample(self, n):
        x = torch.randn(n, N_CH, SPRITE_RES, SPRITE_RES)
        for i in reversed(range(len(self.timestep_map))):
            t_model = self.timestep_map[i].repeat(n)
            eps = self.model(x, t_model)
            a, ab = self.alphas[i], self.alphas_cumprod[i]
            mean = (x - (1 - a) / (1 - ab).sqrt() * eps) / a.sqrt()
            if i > 0:
                x = mean + self.posterior_var[i].sqrt() * torch.randn_like(x)
            else:
                x = mean
        return x.clamp(-1, 1)


def train(model, diffusion, sprites, steps=60, batch=32):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for step in range(steps):
        idx = torch.randint(0, sprites.shape[0], (batch,))
        x0 = sprites[idx]
        t = torch.randint(0, diffusion.num_timesteps, (batch,))
        noise = torch.randn_like(x0)
        loss = F.mse_loss(model(diffusion.q_sample(x0, t, noise), t), noise)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")


if __name__ == "__main__":
    sprites = make_sprites(256)
    diffusion = GaussianDiffusion(torch.linspace(1e-4, 0.02, TRAIN_STEPS))
    unet = SpriteUNet()
    train(unet, diffusion, sprites)

    sampler = RespacedSampler(diffusion, unet.eval(), PREVIEW_STEPS)
    preview = sampler.sample(8)
    print("preview sprites:", tuple(preview.shape), "range", preview.min().item(), preview.max().item())
