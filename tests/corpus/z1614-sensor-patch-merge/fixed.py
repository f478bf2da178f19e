import math

import torch
import torch.nn as nn

# Load forecasting on a small grid of substation sensors, PatchTST-flavoured.
N_SENSORS = 5
LOOKBACK = 96
HORIZON = 24
PATCH = 12
WIDTH = 40
HEADS = 4
DEPTH = 2


def fourier_positions(n, width):
    position = torch.arange(n).float()[:, None]
    freqs = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2).float() / width)
    enc = torch.empty(n, width)
    enc[:, 0::2] = torch.sin(position * freqs)
    enc[:, 1::2] = torch.cos(position * freqs)
    return enc


class PatchAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        assert width % heads == 0
        self.heads = heads
        self.per_head = width // heads
        self.wq = nn.Linear(width, width)
        self.wk = nn.Linear(width, width)
        self.wv = nn.Linear(width, width)
        self.wo = nn.Linear(width, width)

    def _heads(self, z):
        bsz, npatch, _ = z.shape
        return z.view(bsz, npatch, self.heads, self.per_head).transpose(1, 2)

    def forward(self, z, observed):
        bsz, npatch, width = z.shape
        q, k, v = self._heads(self.wq(z)), self._heads(self.wk(z)), self._heads(self.wv(z))
        energy = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.per_head)
        energy = energy.masked_fill(~observed[:, None, None, :], -1e9)
        probs = torch.softmax(energy, dim=-1)
        out = torch.matmul(probs, v)
        out = out.transpose(1, 2).contiguous().view(bsz, npatch, width)
        return self.wo(out)


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = PatchAttention(WIDTH, HEADS)
        self.n1 = nn.LayerNorm(WIDTH)
        self.ffn = nn.Sequential(nn.Linear(WIDTH, 2 * WIDTH), nn.GELU(), nn.Linear(2 * WIDTH, WIDTH))
        self.n2 = nn.LayerNorm(WIDTH)

    def forward(self, z, observed):
        z = self.n1(z + self.attn(z, observed))
        return self.n2(z + self.ffn(z))


class LoadForecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.n_patches = LOOKBACK // PATCH
        self.patch_proj = nn.Linear(PATCH, WIDTH)
        self.register_buffer("pe", fourier_positions(self.n_patches, WIDTH))
        self.layers = nn.ModuleList([EncoderLayer() for _ in range(DEPTH)])
        self.readout = nn.Linear(self.n_patches * WIDTH, HORIZON)

    def forward(self, series, observed):
        # series: (batch, lookback, sensors) -> channel-independent patches
        bsz = series.size(0)
        per_channel = series.permute(0, 2, 1).reshape(bsz * N_SENSORS, self.n_patches, PATCH)
        observed = observed.repeat_interleave(N_SENSORS, dim=0)
        z = self.patch_proj(per_channel) + self.pe
        for layer in self.layers:
            z = layer(z, observed)
        pred = self.readout(z.flatten(1))
        return pred.view(bsz, N_SENSORS, HORIZON).permute(0, 2, 1)


def synthetic_load(n_windows, gen):
    t = torch.arange(LOOKBACK + HORIZON).float()
    phase = torch.rand(n_windows, 1, N_SENSORS, generator=gen) * 2 * math.pi
    daily = torch.sin(2 * math.pi * t[None, :, None] / 24 + phase)
    noise = 0.1 * torch.randn(n_windows, LOOKBACK + HORIZON, N_SENSORS, generator=gen)
    full = daily + noise
    return full[:, :LOOKBACK], full[:, LOOKBACK:]


def dropout_patches(bsz, n_patches, gen, p=0.15):
    observed = torch.rand(bsz, n_patches, generator=gen) > p
    observed[:, -1] = True
    return observed


def main():
    gen = torch.Generator().manual_seed(3)
    torch.manual_seed(3)
    history, future = synthetic_load(128, gen)
    model = LoadForecaster()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    loss_fn = nn.MSELoss()

    for epoch in range(3):
        perm = torch.randperm(history.size(0), generator=gen)
        running = 0.0
        for i in range(0, history.size(0), 32):
            sel = perm[i:i + 32]
            observed = dropout_patches(len(sel), model.n_patches, gen)
            pred = model(history[sel], observed)
            loss = loss_fn(pred, future[sel])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: mse {running / 4:.4f}")


if __name__ == "__main__":
    main()
