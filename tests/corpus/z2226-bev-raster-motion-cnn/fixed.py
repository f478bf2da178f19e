from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class RasterConfig:
    extent_m: float = 32.0          # half-width of the BEV crop around the ego agent
    pixel_size: float = 0.5         # metres per pixel
    history_frames: int = 5
    lane_width_m: float = 3.5

    @property
    def raster_px(self) -> int:
        return int(round(2 * self.extent_m / self.pixel_size))

    @property
    def in_channels(self) -> int:
        # agent history occupancy + ego history + drivable area + lane centerlines
        return 2 * self.history_frames + 2


@dataclass
class TrainConfig:
    raster: RasterConfig = field(default_factory=RasterConfig)
    pred_horizon: int = 30
    stem_channels: int = 32
    head_kernel: int = 4
    batch_size: int = 8
    steps: int = 4
    lr: float = 1e-3
    seed: int = 3


def world_to_px(xy, cfg: RasterConfig):
    px = (xy + cfg.extent_m) / cfg.pixel_size
    return np.clip(px.astype(int), 0, cfg.raster_px - 1)


def draw_box(img, center, half_len_m, half_wid_m, cfg: RasterConfig):
    c = world_to_px(np.asarray(center), cfg)
    hl = max(1, int(half_len_m / cfg.pixel_size))
    hw = max(1, int(half_wid_m / cfg.pixel_size))
    img[max(0, c[1] - hw):c[1] + hw + 1, max(0, c[0] - hl):c[0] + hl + 1] = 1.0


def rasterize_scene(rng, cfg: RasterConfig, horizon):
    R = cfg.raster_px
    img = np.zeros((cfg.in_channels, R, R), dtype=np.float32)
    n_lanes = rng.integers(2, 5)
    for k in range(n_lanes):
        y_lane = (k - n_lanes / 2) * cfg.lane_width_m
        row = world_to_px(np.array([0.0, y_lane]), cfg)[1]
        img[-1, row, :] = 1.0
        lo = world_to_px(np.array([0.0, y_lane - cfg.lane_width_m / 2]), cfg)[1]
        hi = world_to_px(np.array([0.0, y_lane + cfg.lane_width_m / 2]), cfg)[1]
        img[-2, lo:hi + 1, :] = 1.0

    ego_speed = rng.uniform(5, 15)
    others = [(rng.uniform(-25, 25), rng.uniform(-5, 5), rng.uniform(0, 15)) for _ in range(rng.integers(3, 8))]
    dt = 0.1
    for t in range(cfg.history_frames):
        back = (cfg.history_frames - 1 - t) * dt
        draw_box(img[cfg.history_frames + t], (-ego_speed * back, 0.0), 2.3, 1.0, cfg)
        for x0, y0, v in others:
            draw_box(img[t], (x0 - v * back, y0), 2.3, 1.0, cfg)

    yaw_rate = rng.normal(0, 0.05)
    ts = np.arange(1, horizon + 1) * dt
    future = np.stack([ego_speed * ts, 0.5 * ego_speed * yaw_rate * ts ** 2], axis=-1)
    return img, future.astype(np.float32)


def make_batch(rng, cfg: TrainConfig):
    imgs, futs = zip(*[rasterize_scene(rng, cfg.raster, cfg.pred_horizon) for _ in range(cfg.batch_size)])
    return torch.from_numpy(np.stack(imgs)), torch.from_numpy(np.stack(futs))


class ResBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.skip = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.skip(x))


class RasterMotionNet(nn.Module):
    def __init__(self, cfg: TrainConfig):
        super().__init__()
        c = cfg.stem_channels
        self.stem = nn.Sequential(
            nn.Conv2d(cfg.raster.in_channels, c, 7, stride=2, padding=3, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
        )
        self.stages = nn.Sequential(ResBlock(c, 2 * c, 2), ResBlock(2 * c, 4 * c, 2))
        self.head_conv = nn.Conv2d(4 * c, 4 * c, kernel_size=cfg.head_kernel)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4 * c, cfg.pred_horizon * 2)
        self.horizon = cfg.pred_horizon

    def forward(self, raster):
        x = self.stages(self.stem(raster))
        x = F.relu(self.head_conv(x))
        x = self.pool(x).flatten(1)
        return self.fc(x).view(-1, self.horizon, 2)


def main():
    cfg = TrainConfig()
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    print(f"raster {cfg.raster.raster_px}x{cfg.raster.raster_px}, {cfg.raster.in_channels} channels")
    model = RasterMotionNet(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for step in range(cfg.steps):
        raster, future = make_batch(rng, cfg)
        pred = model(raster)
        loss = F.smooth_l1_loss(pred, future)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ade = (pred - future).norm(dim=-1).mean().item()
        print(f"step {step}: loss {loss.item():.3f}  ADE {ade:.2f} m")


if __name__ == "__main__":
    main()
