"""Crash detection from telematics IMU traces, used to auto-open FNOL claims."""
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

cfg = SimpleNamespace(
    seed=5,
    raw_hz=100,
    decimate=4,
    window_s=4.0,
    channels=("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"),
    n_trips=48,
    trip_minutes=0.5,
    crash_rate=0.35,
    conv_blocks=[(6, 32, 5), (32, 48, 5), (48, 64, 5)],
    head_kernel=7,
    batch_size=32,
    lr=1e-3,
    epochs=2,
)


def simulate_trip(rng, n_samples, has_crash):
    t = np.arange(n_samples) / cfg.raw_hz
    acc = 0.05 * rng.standard_normal((3, n_samples))
    acc[2] += 1.0
    acc[0] += 0.1 * np.sin(2 * np.pi * 0.05 * t)
    gyro = 0.02 * rng.standard_normal((3, n_samples))
    crash_at = None
    if has_crash:
        crash_at = int(rng.integers(n_samples // 4, 3 * n_samples // 4))
        width = int(0.15 * cfg.raw_hz)
        pulse = np.hanning(width) * rng.uniform(4.0, 9.0)
        acc[0, crash_at:crash_at + width] -= pulse
        acc[1, crash_at:crash_at + width] += 0.4 * pulse * rng.choice([-1, 1])
        gyro[2, crash_at:crash_at + 3 * width] += rng.uniform(1.0, 3.0)
    return np.vstack([acc, gyro]).astype(np.float32), crash_at


class CrashWindowDataset(Dataset):
    def __init__(self, trips, window_samples, decimate, stride_frac=0.5):
        self.items = []
        stride = int(window_samples * stride_frac)
        for signal, crash_at in trips:
            for start in range(0, signal.shape[1] - window_samples + 1, stride):
                end = start + window_samples
                label = float(crash_at is not None and start <= crash_at < end)
                window = signal[:, start:end:decimate]
                self.items.append((window, label))
        self.mean, self.std = self._channel_stats()

    def _channel_stats(self):
        stacked = np.concatenate([w for w, _ in self.items], axis=1)
        return stacked.mean(axis=1, keepdims=True), stacked.std(axis=1, keepdims=True) + 1e-6

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        window, label = self.items[idx]
        x = (window - self.mean) / self.std
        return torch.from_numpy(x), torch.tensor(label)


def conv_block(c_in, c_out, k):
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, k, padding=k // 2),
        nn.BatchNorm1d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool1d(2),
    )


def build_crash_net(blocks, head_kernel):
    layers = [conv_block(ci, co, k) for ci, co, k in blocks]
    last = blocks[-1][1]
    layers += [
        nn.Conv1d(last, last, head_kernel),
        nn.ReLU(inplace=True),
        nn.AdaptiveMaxPool1d(1),
        nn.Flatten(),
        nn.Linear(last, 1),
    ]
    return nn.Sequential(*layers)


def train_one_epoch(model, loader, opt, loss_fn):
    model.train()
    losses = []
    for x, y in loader:
        logit = model(x).squeeze(-1)
        loss = loss_fn(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


def main():
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)
    n_samples = int(cfg.trip_minutes * 60 * cfg.raw_hz)
    trips = [simulate_trip(rng, n_samples, rng.random() < cfg.crash_rate) for _ in range(cfg.n_trips)]

    window_samples = int(cfg.window_s * cfg.raw_hz)
    ds = CrashWindowDataset(trips, window_samples, cfg.decimate)
    pos = sum(lbl for _, lbl in ds.items)
    print(f"{len(ds)} windows, {int(pos)} crash windows, input length {ds.items[0][0].shape[1]}")
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True, drop_last=True)

    model = build_crash_net(cfg.conv_blocks, cfg.head_kernel)
    pos_weight = torch.tensor((len(ds) - pos) / max(pos, 1.0))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        print(f"epoch {epoch}: bce {train_one_epoch(model, loader, opt, loss_fn):.4f}")


if __name__ == "__main__":
    main()
