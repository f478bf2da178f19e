import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader, random_split


@dataclass
class CounterConfig:
    frame_hw: tuple = (120, 160)
    crop_hw: tuple = (64, 128)
    board_top: int = 48
    board_left: int = 16
    channels: tuple = (16, 32, 64)
    max_bees: int = 14
    n_frames: int = 160
    batch_size: int = 16
    epochs: int = 3
    lr: float = 2e-3
    seed: int = 11
    log_every: int = 4
    history: list = field(default_factory=list)


def render_entrance_frame(cfg, rng):
    h, w = cfg.frame_hw
    frame = rng.normal(0.55, 0.04, (h, w)).astype(np.float32)
    ch, cw = cfg.crop_hw
    top, left = cfg.board_top, cfg.board_left
    frame[top:top + ch, left:left + cw] += 0.15
    n_bees = int(rng.integers(0, cfg.max_bees + 1))
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(n_bees):
        cy = rng.uniform(top + 4, top + ch - 4)
        cx = rng.uniform(left + 6, left + cw - 6)
        ang = rng.uniform(0, math.pi)
        dy, dx = yy - cy, xx - cx
        u = dx * math.cos(ang) + dy * math.sin(ang)
        v = -dx * math.sin(ang) + dy * math.cos(ang)
        body = (u / 5.0) ** 2 + (v / 2.5) ** 2 <= 1.0
        frame[body] -= 0.45
        stripes = body & (np.sin(u * 2.2) > 0.3)
        frame[stripes] += 0.2
    return np.clip(frame, 0.0, 1.0), n_bees


class EntranceFrames(Dataset):
    def __init__(self, cfg, augment=False):
        rng = np.random.default_rng(cfg.seed)
        self.cfg = cfg
        self.augment = augment
        self.frames, self.counts = [], []
        for _ in range(cfg.n_frames):
            f, n = render_entrance_frame(cfg, rng)
            self.frames.append(f)
            self.counts.append(n)

    def __len__(self):
        return len(self.frames)

    def landing_board(self, frame):
        ch, cw = self.cfg.crop_hw
        t, l = self.cfg.board_top, self.cfg.board_left
        return frame[t:t + ch, l:l + cw]

    def __getitem__(self, i):
        img = torch.from_numpy(self.landing_board(self.frames[i])).unsqueeze(0)
        if self.augment and random.random() < 0.5:
            img = torch.flip(img, dims=[2])
        img = (img - 0.5) / 0.2
        return img, torch.tensor(float(self.counts[i]))


class BeeCountNet(nn.Module):
    def __init__(self, cfg: CounterConfig):
        super().__init__()
        layers, in_ch = [], 1
        for ch in cfg.channels:
            layers += [
                nn.Conv2d(in_ch, ch, kernel_size=3, padding=1, bias=False),
                nn.BatchNorm2d(ch),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
            in_ch = ch
        self.backbone = nn.Sequential(*layers)
        down = 2 ** len(cfg.channels)
        h, w = cfg.crop_hw
        self.flat_dim = in_ch * (h // down) * (w // down)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(self.flat_dim, 128),
            nn.ReLU(inplace=True),
            nn.Dropout(0.2),
            nn.Linear(128, 1),
        )

    def forward(self, x):
        log_rate = self.head(self.backbone(x)).squeeze(-1)
        return log_rate


def poisson_count_loss(log_rate, counts):
    return F.poisson_nll_loss(log_rate, counts, log_input=True, full=False)


def evaluate(model, loader):
    model.eval()
    abs_err, n = 0.0, 0
    with torch.no_grad():
        for imgs, counts in loader:
            pred = model(imgs).exp()
            abs_err += (pred - counts).abs().sum().item()
            n += len(counts)
    return abs_err / max(n, 1)


def main():
    cfg = CounterConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    full = EntranceFrames(cfg, augment=True)
    n_val = len(full) // 5
    train_set, val_set = random_split(full, [len(full) - n_val, n_val],
                                      generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    val_dl = DataLoader(val_set, batch_size=cfg.batch_size)

    model = BeeCountNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.epochs * len(train_dl))

    step = 0
    for epoch in range(cfg.epochs):
        model.train()
        for imgs, counts in train_dl:
            loss = poisson_count_loss(model(imgs), counts)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            if step % cfg.log_every == 0:
                cfg.history.append(loss.item())
            step += 1
        mae = evaluate(model, val_dl)
        print(f"epoch {epoch + 1}/{cfg.epochs}  last_loss={cfg.history[-1]:.3f}  val_MAE={mae:.2f} bees")


if __name__ == "__main__":
    main()
