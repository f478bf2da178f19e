"""Human activity recognition from wrist IMU recordings of varying length.

Each recording is a (T, 6) stream of accelerometer + gyroscope samples at
50 Hz. A strided Conv1d front end reduces the rate, a packed LSTM reads the
valid frames only, and the final hidden state is classified into one of
six activities.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

random.seed(3)
torch.manual_seed(3)

ACTIVITIES = ["walk", "upstairs", "downstairs", "sit", "stand", "lie"]
SAMPLE_RATE = 50
IMU_AXES = 6


def fake_recording(activity_idx):
    seconds = random.uniform(2.0, 8.0)
    n = int(seconds * SAMPLE_RATE)
    t = torch.arange(n) / SAMPLE_RATE
    cadence = [1.8, 1.5, 2.1, 0.0, 0.0, 0.0][activity_idx]
    gravity_axis = [2, 2, 2, 2, 2, 0][activity_idx]
    acc = 0.3 * torch.randn(n, 3)
    acc[:, 0] += torch.sin(2 * torch.pi * cadence * t)
    acc[:, gravity_axis] += 9.81
    gyro = 0.1 * torch.randn(n, 3) + 0.05 * activity_idx
    return torch.cat([acc, gyro], dim=1)


def build_split(n_per_class):
    items = []
    for cls in range(len(ACTIVITIES)):
        for _ in range(n_per_class):
            items.append((fake_recording(cls), cls))
    random.shuffle(items)
    return items


def collate_recordings(batch):
    batch = sorted(batch, key=lambda item: item[0].size(0))
    streams = [rec for rec, _ in batch]
    n_samples = torch.tensor([rec.size(0) for rec in streams])
    padded = pad_sequence(streams, batch_first=True)          # (B, T_max, 6)
    targets = torch.tensor([cls for _, cls in batch])
    return padded, n_samples, targets


class ActivityNet(nn.Module):
    def __init__(self, axes=IMU_AXES, conv_dim=48, lstm_dim=64, n_classes=len(ACTIVITIES)):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(axes, conv_dim, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
            nn.Conv1d(conv_dim, conv_dim, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
        )
        self.lstm = nn.LSTM(conv_dim, lstm_dim, batch_first=True)
        self.out = nn.Linear(lstm_dim, n_classes)

    @staticmethod
    def stem_lengths(n_samples):
        n = n_samples
        for _ in range(2):
            n = (n + 2 * 2 - 5) // 2 + 1
        return n

    def forward(self, imu, n_samples):
        frames = self.stem(imu.transpose(1, 2)).transpose(1, 2)   # (B, T', conv_dim)
        frame_lens = self.stem_lengths(n_samples)
        packed = pack_padded_sequence(frames, frame_lens, batch_first=True)
        _, (h_n, _) = self.lstm(packed)
        return self.out(h_n[-1])


def evaluate(model, data, batch_size):
    model.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            imu, n_samples, targets = collate_recordings(data[i:i + batch_size])
            hits += (model(imu, n_samples).argmax(-1) == targets).sum().item()
    return hits / len(data)


def main():
    train_data = build_split(10)
    test_data = build_split(3)
    model = ActivityNet()
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    batch_size = 12

    for epoch in range(3):
        model.train()
        random.shuffle(train_data)
        running = 0.0
        for i in range(0, len(train_data), batch_size):
            imu, n_samples, targets = collate_recordings(train_data[i:i + batch_size])
            imu = (imu - imu.mean(dim=(0, 1))) / imu.std(dim=(0, 1))
            loss = F.cross_entropy(model(imu, n_samples), targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        acc = evaluate(model, test_data, batch_size)
        print(f"epoch {epoch}: train loss {running:.3f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()
