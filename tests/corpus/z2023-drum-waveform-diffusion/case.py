import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

SAMPLE_RATE = 8000
CLIP_LEN = 1024
DRUM_KINDS = ["kick", "snare", "hat"]
NULL_KIND = len(DRUM_KINDS)
TIMESTEPS = 250


def render_one_shot(kind):
    n = torch.arange(CLIP_LEN).float() / SAMPLE_RATE
    if kind == "kick":
        pitch = 120 * torch.exp(-n * 30) + 45
        wave = torch.sin(2 * math.pi * torch.cumsum(pitch, 0) / SAMPLE_RATE) * torch.exp(-n * 18)
    elif kind == "snare":
        wave = (0.6 * torch.randn(CLIP_LEN) + 0.4 * torch.sin(2 * math.pi * 190 * n)) * torch.exp(-n * 35)
    else:
        wave = torch.randn(CLIP_LEN) * torch.exp(-n * 90)
    return wave / wave.abs().max()


def build_kit(per_kind=8):
    clips, labels = [], []
    for k, name in enumerate(DRUM_KINDS):
        for _ in range(per_kind):
            clips.append(render_one_shot(name).unsqueeze(0))
            labels.append(k)
    return torch.stack(clips), torch.tensor(labels)


class GaussianDiffusion:
    def __init__(self, steps, beta_1=1e-4, beta_T=0.02):
        self.steps = steps
        self.betas = torch.linspace(beta_1, beta_T, steps)
        self.alphas = 1.0 - self.betas
        self.abar = torch.cumprod(self.alphas, 0)

    @staticmethod
    def extract(arr, t):
        return arr[t].view(-1, 1, 1, 1)

    def q_sample(self, x0, t, noise):
        return self.extract(self.abar, t).sqrt() * x0 + self.extract(1 - self.abar, t).sqrt() * noise

    @torch.no_grad()
    def p_sample_loop(self, model, shape, kind, guidance=2.5):
        x = torch.randn(shape)
        cond = torch.full((shape[0],), kind, dtype=torch.long)
        null = torch.full((shape[0],), NULL_KIND, dtype=torch.long)
        for i in reversed(range(self.steps)):
            t = torch.full((shape[0],), i, dtype=torch.long)
            e_c, e_u = model(x, t, cond), model(x, t, null)
            eps = e_u + guidance * (e_c - e_u)
            coef = self.extract(self.betas / (1 - self.abar).sqrt(), t)
            mean = (x - coef * eps) / self.extract(self.alphas, t).sqrt()
            x = mean + (self.extract(self.betas, t).sqrt() * torch.randn_like(x) if i > 0 else 0)
        return x


class WaveDenoiser(nn.Module):
    def __init__(self, ch=32, n_layers=6):
        super().__init__()
        self.ch = ch
        self.kind_emb = nn.Embedding(len(DRUM_KINDS) + 1, ch)
        self.t_proj = nn.Sequential(nn.Linear(ch, ch), nn.SiLU(), nn.Linear(ch, ch))
        self.inp = nn.Conv1d(1, ch, 7, padding=3)
        self.dilated = nn.ModuleList(nn.Conv1d(ch, ch, 3, padding=2 ** i, dilation=2 ** i) for i in range(n_layers))
        self.out = nn.Conv1d(ch, 1, 1)

    def time_features(self, t):
        half = self.ch // 2
        fr = torch.exp(-math.log(10000.0) * torch.arange(half).float() / half)
        ang = t.float().unsqueeze(1) * fr.unsqueeze(0)
        return torch.cat([ang.sin(), ang.cos()], dim=1)

    def forward(self, wave, t, kind):
        cond = self.t_proj(self.time_features(t)) + self.kind_emb(kind)
        h = self.inp(wave)
        for conv in self.dilated:
            h = h + F.silu(conv(h + cond.unsqueeze(-1)))
        return self.out(h)


def main():
    clips, kinds = build_kit()
    print("kit", tuple(clips.shape), "labels", kinds.bincount().tolist())
    diffusion = GaussianDiffusion(TIMESTEPS)
    net = WaveDenoiser()
    optim = torch.optim.Adam(net.parameters(), lr=1e-3)

    for step in range(40):
        pick = torch.randint(0, clips.shape[0], (6,))
        x0, kind = clips[pick], kinds[pick].clone()
        kind[torch.rand(kind.shape) < 0.2] = NULL_KIND
        t = torch.randint(0, TIMESTEPS, (x0.shape[0],))
        noise = torch.randn_like(x0)
        x_t = diffusion.q_sample(x0, t, noise)
        loss = F.mse_loss(net(x_t, t, kind), noise)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    diffusion_fast = GaussianDiffusion(25)
    snares = diffusion_fast.p_sample_loop(net, (2, 1, CLIP_LEN), DRUM_KINDS.index("snare"))
    print("generated", tuple(snares.shape), "peak", float(snares.abs().max()))


if __name__ == "__main__":
    main()
