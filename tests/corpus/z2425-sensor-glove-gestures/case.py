import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(0)

FLEX_CHANNELS = ["thumb", "index", "middle", "ring", "pinky"]
IMU_CHANNELS = ["ax", "ay", "az", "gx", "gy", "gz"]
N_FLEX = len(FLEX_CHANNELS)
N_CH = N_FLEX + len(IMU_CHANNELS)
GESTURES = ["rest", "fist", "point", "peace", "ok", "thumbs_up", "call_me", "wave"]
FS = 100          # Hz
WIN = 50          # 0.5 s windows
HOP = 25
BATCH = 32
EPOCHS = 3


def fake_glove_recording(gesture_id, seconds=4.0, gain=None):
    n = int(seconds * FS)
    t = np.arange(n) / FS
    gain = rng.uniform(0.8, 1.2, size=N_FLEX) if gain is None else gain
    bend = np.zeros((n, N_FLEX))
    pattern = np.array([(gesture_id >> k) & 1 for k in range(N_FLEX)], dtype=float)
    bend[:] = 300 + 500 * pattern * gain
    bend += rng.normal(0, 15, size=bend.shape)
    acc = np.stack([np.sin(2 * np.pi * (0.5 + 0.1 * gesture_id) * t)] * 3, axis=1) * 0.3
    acc[:, 2] += 9.81
    gyro = rng.normal(0, 0.05, size=(n, 3))
    if gesture_id == GESTURES.index("wave"):
        gyro[:, 2] += 2.0 * np.sin(2 * np.pi * 2.0 * t)
    rec = np.concatenate([bend, acc + rng.normal(0, 0.05, acc.shape), gyro], axis=1)
    return torch.tensor(rec, dtype=torch.float32)


def record_calibration(gain):
    """Per-session flex range: user holds an open hand, then a tight fist."""
    open_hand = fake_glove_recording(0, seconds=2.0, gain=gain)
    fist = fake_glove_recording(2 ** N_FLEX - 1, seconds=2.0, gain=gain)
    lo = open_hand[:, :N_FLEX].mean(0)
    hi = fist[:, :N_FLEX].mean(0)
    return lo, hi


def calibrate(rec, flex_lo, flex_hi):
    out = rec.clone()
    for ch in range(rec.shape[1]):
        span = (flex_hi[ch] - flex_lo[ch]).clamp(min=1.0)
        out[:, ch] = ((rec[:, ch] - flex_lo[ch]) / span).clamp(0.0, 1.0)
    return out


def make_windows(rec, label):
    xs = rec.unfold(0, WIN, HOP)            # (n_win, C, WIN)
    ys = torch.full((xs.shape[0],), label, dtype=torch.long)
    return xs, ys


def build_split(n_sessions):
    xs, ys = [], []
    for s in range(n_sessions):
        gain = rng.uniform(0.8, 1.2, size=N_FLEX)
        lo, hi = record_calibration(gain)
        for g in range(len(GESTURES)):
            rec = fake_glove_recording(g, gain=gain)
            rec = calibrate(rec, lo, hi)
            x, y = make_windows(rec, g)
            xs.append(x)
            ys.append(y)
    return torch.cat(xs), torch.cat(ys)


def glove_cnn(n_classes):
    return nn.Sequential(
        nn.Conv1d(N_CH, 32, kernel_size=5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
        nn.Conv1d(32, 64, kernel_size=5, padding=2, stride=2), nn.BatchNorm1d(64), nn.ReLU(),
        nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Dropout(0.2), nn.Linear(64, n_classes),
    )


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total_loss, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        with torch.set_grad_enabled(training):
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total_loss += loss.item() * yb.size(0)
        correct += (logits.argmax(1) == yb).sum().item()
        n += yb.size(0)
    return total_loss / n, correct / n


train_x, train_y = build_split(n_sessions=6)
val_x, val_y = build_split(n_sessions=2)

imu_mean = train_x[:, N_FLEX:].mean(dim=(0, 2))[:, None]
imu_std = train_x[:, N_FLEX:].std(dim=(0, 2))[:, None] + 1e-6
train_x[:, N_FLEX:] = (train_x[:, N_FLEX:] - imu_mean) / imu_std
val_x[:, N_FLEX:] = (val_x[:, N_FLEX:] - imu_mean) / imu_std
print("train windows:", tuple(train_x.shape), "val windows:", tuple(val_x.shape))

train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=BATCH, shuffle=True)
val_loader = DataLoader(TensorDataset(val_x, val_y), batch_size=BATCH)

model = glove_cnn(len(GESTURES))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
for epoch in range(EPOCHS):
    tr_loss, tr_acc = run_epoch(model, train_loader, opt)
    va_loss, va_acc = run_epoch(model, val_loader)
    print(f"epoch {epoch} train {tr_loss:.3f}/{tr_acc:.2f} val {va_loss:.3f}/{va_acc:.2f}")
