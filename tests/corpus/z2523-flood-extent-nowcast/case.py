import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Settings:
    grid = 16
    n_basins = 12
    n_steps = 36
    tbptt_window = 6
    latent = 48
    lr = 3e-3
    epochs = 2
    seed = 5


def simulate_extent_maps(s):
    """Binary flood-extent rasters (basin, time, H, W): water spreads out from a river channel
    as a synthetic hydrograph rises and recedes."""
    rng = np.random.default_rng(s.seed)
    yy, xx = np.mgrid[0:s.grid, 0:s.grid]
    maps = np.zeros((s.n_basins, s.n_steps, s.grid, s.grid), dtype=np.float32)
    rain = np.zeros((s.n_basins, s.n_steps), dtype=np.float32)
    for b in range(s.n_basins):
        channel = s.grid // 2 + rng.integers(-3, 4) + 0.15 * (xx - s.grid / 2)
        dem = np.abs(yy - channel) + rng.normal(0, 0.6, size=(s.grid, s.grid))
        peak = rng.uniform(0.3, 0.7) * s.n_steps
        for t in range(s.n_steps):
            stage = 1.0 + 5.0 * np.exp(-((t - peak) / (0.18 * s.n_steps)) ** 2)
            maps[b, t] = (dem < stage).astype(np.float32)
            rain[b, t] = max(0.0, rng.normal(stage - 1.0, 0.5))
    return torch.from_numpy(maps), torch.from_numpy(rain)


class ExtentNowcaster(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.grid = s.grid
        self.enc = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(),
        )
        enc_out = 16 * (s.grid // 4) ** 2
        self.cell = nn.GRUCell(enc_out + 1, s.latent)
        self.dec = nn.Linear(s.latent, s.grid * s.grid)

    def init_state(self, batch):
        return torch.zeros(batch, self.cell.hidden_size)

    def step(self, extent, rain, h):
        z = self.enc(extent.unsqueeze(1))
        h = self.cell(torch.cat([z, rain.unsqueeze(1)], dim=1), h)
        logits = self.dec(h).view(-1, self.grid, self.grid)
        return logits, h


def iou(pred, target):
    inter = (pred & target).sum().item()
    union = (pred | target).sum().item()
    return inter / max(union, 1)


def train(s):
    torch.manual_seed(s.seed)
    maps, rain = simulate_extent_maps(s)
    model = ExtentNowcaster(s)
    opt = torch.optim.Adam(model.parameters(), lr=s.lr)

    for epoch in range(s.epochs):
        h = model.init_state(s.n_basins)
        losses, ious = [], []
        for start in range(0, s.n_steps - 1, s.tbptt_window):
            stop = min(start + s.tbptt_window, s.n_steps - 1)
            window_loss = 0.0
            for t in range(start, stop):
                logits, h = model.step(maps[:, t], rain[:, t], h)
                target = maps[:, t + 1]
                window_loss = window_loss + F.binary_cross_entropy_with_logits(logits, target)
                ious.append(iou(logits > 0, target > 0.5))
            window_loss = window_loss / (stop - start)
            opt.zero_grad()
            window_loss.backward()
            opt.step()
            losses.append(window_loss.item())
        print(f"epoch {epoch}: bce={np.mean(losses):.4f} mean IoU={np.mean(ious):.3f}")


if __name__ == "__main__":
    train(Settings())
