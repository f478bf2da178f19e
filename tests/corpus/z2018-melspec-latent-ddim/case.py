"""Latent diffusion for 32x32 log-mel spectrogram patches.

Stage 1: a small conv autoencoder compresses mel patches to 4x8x8 latents.
Stage 2: an epsilon-prediction denoiser is trained on the scaled latents.
Stage 3: DDIM sampling with 25 strided steps, decoded back to mel patches.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

N_MELS, N_FRAMES, LAT_CH = 32, 32, 4
DIFF_T, DDIM_STEPS = 1000, 25


def synth_mel_batch(n):
    """Harmonic stacks with random f0 and decay, roughly like sustained notes."""
    mel = torch.arange(N_MELS).float()[None, :, None]
    frames = torch.arange(N_FRAMES).float()[None, None, :]
    f0 = torch.randint(2, 8, (n, 1, 1)).float()
    decay = torch.rand(n, 1, 1) * 0.1 + 0.02
    spec = torch.zeros(n, N_MELS, N_FRAMES)
    for k in range(1, 5):
        spec += torch.exp(-((mel - f0 * k) ** 2) / 2.0) * torch.exp(-decay * frames) / k
    return torch.log1p(spec * 10)[:, None] - 1.0


class MelAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.SiLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.SiLU(),
                                 nn.Conv2d(32, LAT_CH, 1))
        self.dec = nn.Sequential(nn.Conv2d(LAT_CH, 32, 1), nn.SiLU(), nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.SiLU(),
                                 nn.ConvTranspose2d(16, 1, 4, 2, 1))

    def encode(self, x):
        return self.enc(x)

    def decode(self, z):
        return self.dec(z)


def time_features(t, dim=64):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half).float() / half)
    ang = t[:, None].float() * freqs[None, :]
    return torch.cat([ang.sin(), ang.cos()], dim=1)


class LatentDenoiser(nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.time_mlp = nn.Sequential(nn.Linear(64, width), nn.SiLU(), nn.Linear(width, width))
        self.inp = nn.Conv2d(LAT_CH, width, 3, padding=1)
        self.blocks = nn.ModuleList([nn.Conv2d(width, width, 3, padding=1) for _ in range(2)])
        self.out = nn.Conv2d(width, LAT_CH, 3, padding=1)

    def forward(self, z, t):
        h = self.inp(z) + self.time_mlp(time_features(t))[:, :, None, None]
        for blk in self.blocks:
            h = h + blk(F.silu(F.group_norm(h, 8)))
        return self.out(F.silu(h))


class DDIMScheduler:
    def __init__(self, num_train=DIFF_T):
        betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, num_train) ** 2
        self.alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        self.num_train = num_train

    def add_noise(self, z0, noise, t):
        ab = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        return ab.sqrt() * z0 + (1 - ab).sqrt() * noise

    def set_timesteps(self, n):
        self.ddim_ts = torch.linspace(self.num_train - 1, 0, n).round()

    def step(self, eps, t, t_prev, z):
        ab_t = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        ab_prev = self.alphas_cumprod[t_prev].view(-1, 1, 1, 1) if t_prev is not None else torch.ones_like(ab_t)
        z0_pred = (z - (1 - ab_t).sqrt() * eps) / ab_t.sqrt()
        return ab_prev.sqrt() * z0_pred + (1 - ab_prev).sqrt() * eps


def fit_autoencoder(ae, steps=80):
    opt = torch.optim.Adam(ae.parameters(), lr=3e-3)
    for _ in range(steps):
        x = synth_mel_batch(32)
        loss = F.mse_loss(ae.decode(ae.encode(x)), x)
        opt.zero_grad(); loss.backward(); opt.step()
    print(f"autoencoder recon mse {loss.item():.4f}")


def fit_denoiser(model, ae, sched, steps=60):
    with torch.no_grad():
        lat = ae.encode(synth_mel_batch(256))
    scale = 1.0 / lat.std()
    lat = lat * scale
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for i in range(steps):
        z0 = lat[torch.randint(0, lat.shape[0], (32,))]
        t = torch.randint(0, sched.num_train, (z0.shape[0],))
        noise = torch.randn_like(z0)
        loss = F.mse_loss(model(sched.add_noise(z0, noise, t), t), noise)
        opt.zero_grad(); loss.backward(); opt.step()
    print(f"denoiser loss {loss.item():.4f}")
    return scale


@torch.no_grad()
def generate(model, ae, sched, latent_scale, n=4):
    sched.set_timesteps(DDIM_STEPS)
    z = torch.randn(n, LAT_CH, N_MELS // 4, N_FRAMES // 4)
    ts = sched.ddim_ts
    for i in range(len(ts)):
        t = ts[i].expand(n)
        t_prev = ts[i + 1].expand(n) if i + 1 < len(ts) else None
        eps = model(z, t)
        z = sched.step(eps, t, t_prev, z)
    return ae.decode(z / latent_scale)


if __name__ == "__main__":
    ae = MelAutoencoder()
    fit_autoencoder(ae)
    sched = DDIMScheduler()
    denoiser = LatentDenoiser()
    latent_scale = fit_denoiser(denoiser, ae, sched)
    mels = generate(denoiser.eval(), ae, sched, latent_scale)
    print("generated mel patches:", tuple(mels.shape))
