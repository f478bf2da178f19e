"""Activity recognition from wrist-worn IMU recordings.

Each recording is a variable-length stream of 6-channel accelerometer/gyro
samples.  A small conv + GRU encoder is followed by attention pooling over
the valid (non-padded) timesteps, then a linear classifier over activities.
"""
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVITIES = ["walking", "stairs_up", "stairs_down", "cycling", "sitting", "rowing"]
N_CHANNELS = 6
WINDOW = 64
BATCH = 8
EPOCHS = 1

torch.manual_seed(7)
random.seed(7)


def synth_recording(label: int) -> torch.Tensor:
    length = random.randint(80, 140)
    t = torch.arange(length, dtype=torch.float32) / 50.0
    freq = 0.8 + 0.4 * label
    base = torch.stack([torch.sin(2 * math.pi * freq * t + c) for c in range(N_CHANNELS)], dim=1)
    return base + 0.3 * torch.randn(length, N_CHANNELS)


def pad_recordings(recs):
    lengths = torch.tensor([r.shape[0] for r in recs])
    max_len = int(lengths.max())
    signal = torch.zeros(len(recs), max_len, N_CHANNELS)
    for i, r in enumerate(recs):
        signal[i, : r.shape[0]] = r
    valid = torch.arange(max_len)[None, :] < lengths[:, None]
    return signal, valid, lengths


def random_window(signal, lengths, win):
    hi = int(lengths.min()) - win
    start = random.randint(0, max(hi, 0))
    return signal[:, start : start + win]


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, h, valid):
        logits = self.score(h).squeeze(-1)
        logits = logits.masked_fill(~valid, float("-inf"))
        weights = torch.softmax(logits, dim=1)
        return torch.einsum("bt,btd->bd", weights, h)


class IMUClassifier(nn.Module):
    def __init__(self, n_classes, hidden=32):
        super().__init__()
        self.conv = nn.Conv1d(N_CHANNELS, hidden, kernel_size=5, padding=2)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.pool = AttentionPool(hidden)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, signal, valid):
        x = F.relu(self.conv(signal.transpose(1, 2))).transpose(1, 2)
        h, _ = self.gru(x)
        return self.head(self.pool(h, valid))


def make_split(n):
    labels = [random.randrange(len(ACTIVITIES)) for _ in range(n)]
    return [synth_recording(y) for y in labels], labels


def batches(recs, labels, bs, shuffle):
    order = list(range(len(recs)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), bs):
        idx = order[i : i + bs]
        yield [recs[j] for j in idx], torch.tensor([labels[j] for j in idx])


def main():
    train_recs, train_y = make_split(96)
    val_recs, val_y = make_split(32)

    model = IMUClassifier(len(ACTIVITIES))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for recs, y in batches(train_recs, train_y, BATCH, shuffle=True):
            signal, valid, lengths = pad_recordings(recs)
            signal = random_window(signal, lengths, WINDOW)
            logits = model(signal, valid)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * y.numel()

        model.eval()
        correct = 0
        with torch.no_grad():
            for recs, y in batches(val_recs, val_y, BATCH, shuffle=False):
                signal, valid, _ = pad_recordings(recs)
                correct += (model(signal, valid).argmax(1) == y).sum().item()
        print(f"epoch {epoch}: train loss {total / len(train_y):.3f}  val acc {correct / len(val_y):.2%}")


if __name__ == "__main__":
    main()
