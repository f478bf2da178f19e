"""Diffusion policy for 2-D end-effector trajectories.

Trains a small 1-D temporal UNet to denoise reach trajectories conditioned on the
goal position, then draws a few plans with a strided (DDIM-style) sampler.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

HORIZON = 32
N_TRAIN_STEPS = 200
N_SAMPLE_STEPS = 40


def make_reach_demos(n):
    goals = torch.rand(n, 2) * 2 - 1
    starts = torch.rand(n, 2) * 0.2 - 0.1
    s = torch.linspace(0, 1, HORIZON)
    smooth = 3 * s ** 2 - 2 * s ** 3
    path = starts[:, :, None] + (goals - starts)[:, :, None] * smooth[None, None, :]
    path = path + 0.01 * torch.randn_like(path)
    return path, goals


def sinusoidal_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    ang = t.float()[:, None] * freqs[None, :]
    return torch.cat([ang.sin(), ang.cos()], dim=-1)


class ResBlock1d(nn.Module):
    def __init__(self, c_in, c_out, cond_dim):
        super().__init__()
        self.conv1 = nn.Conv1d(c_in, c_out, 5, padding=2)
        self.conv2 = nn.Conv1d(c_out, c_out, 5, padding=2)
        self.film = nn.Linear(cond_dim, 2 * c_out)
        self.skip = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()
        self.norm = nn.GroupNorm(4, c_out)

    def forward(self, x, cond):
        h = F.mish(self.norm(self.conv1(x)))
        scale, shift = self.film(cond).unsqueeze(-1).chunk(2, dim=1)
        h = h * (1 + scale) + shift
        return self.conv2(F.mish(h)) + self.skip(x)


class TemporalUNet(nn.Module):
    def __init__(self, act_dim=2, width=32, emb_dim=64):
        super().__init__()
        self.emb_dim = emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.Mish(), nn.Linear(emb_dim, emb_dim))
        self.goal_mlp = nn.Linear(2, emb_dim)
        self.down1 = ResBlock1d(act_dim, width, emb_dim)
        self.down2 = ResBlock1d(width, 2 * width, emb_dim)
        self.mid = ResBlock1d(2 * width, 2 * width, emb_dim)
        self.up1 = ResBlock1d(4 * width, width, emb_dim)
        self.up2 = ResBlock1d(2 * width, width, emb_dim)
        self.head = nn.Conv1d(width, act_dim, 1)

    def forward(self, traj, t, goal):
        cond = self.time_mlp(sinusoidal_embedding(t, self.emb_dim)) + self.goal_mlp(goal)
        h1 = self.down1(traj, cond)
        h2 = self.down2(F.avg_pool1d(h1, 2), cond)
        m = self.mid(F.avg_pool1d(h2, 2), cond)
        u = F.interpolate(m, scale_factor=2)
        u = self.up1(torch.cat([u, h2], dim=1), cond)
        u = F.interpolate(u, scale_factor=2)
        u = self.up2(torch.cat([u, h1], dim=1), cond)
        return self.head(u)


class StridedSampler:
    def __init__(self, num_train_steps, num_sample_steps):
        self.num_train_steps = num_train_steps
        betas = torch.linspace(1e-4, 0.02, num_train_steps)
        self.alphas_cumprod = torch.cumprod(1 - betas, dim=0)
        self.timesteps = torch.linspace(0, num_train_steps - 1, num_sample_steps).round().long()
        self.ab = self.alphas_cumprod[self.timesteps]

    def q_sample(self, x0, t, noise):
        ab = self.alphas_cumprod[t].view(-1, 1, 1)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def train(model, sampler, demos, goals, epochs=12, batch=64):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for epoch in range(epochs):
        perm = torch.randperm(demos.shape[0])
        for i in range(0, demos.shape[0], batch):
            idx = perm[i:i + batch]
            x0, g = demos[idx], goals[idx]
            t = torch.randint(0, sampler.num_train_steps, (x0.shape[0],))
            noise = torch.randn_like(x0)
            loss = F.mse_loss(model(sampler.q_sample(x0, t, noise), t, g), noise)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 4 == 0:
            print(f"epoch {epoch:3d}  eps-loss {loss.item():.4f}")


@torch.no_grad()
def plan(model, sampler, goal_batch):
    x = torch.randn(goal_batch.shape[0], 2, HORIZON)
    for k in reversed(range(len(sampler.timesteps))):
        t = sampler.timesteps[k]
        ab_t = sampler.ab[k]
        ab_prev = sampler.ab[k - 1] if k > 0 else torch.tensor(1.0)
        eps = model(x, t.expand(x.shape[0]), goal_batch)
        x0_hat = ((x - (1 - ab_t).sqrt() * eps) / ab_t.sqrt()).clamp(-1.5, 1.5)
        x = ab_prev.sqrt() * x0_hat + (1 - ab_prev).sqrt() * eps
    return x


def main():
    demos, goals = make_reach_demos(256)
    model = TemporalUNet()
    sampler = StridedSampler(N_TRAIN_STEPS, N_SAMPLE_STEPS)
    train(model, sampler, demos, goals)

    model.eval()
    test_goals = torch.tensor([[0.8, 0.2], [-0.5, 0.7], [0.1, -0.9]])
    plans = plan(model, sampler, test_goals)
    end_err = (plans[:, :, -1] - test_goals).norm(dim=-1)
    print("final end-effector error per goal:", [f"{e:.3f}" for e in end_err.tolist()])


if __name__ == "__main__":
    main()
