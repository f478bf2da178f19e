import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader

N_JOINTS = 7
CONTROL_HZ = 500
WINDOW = 50
STRIDE = 10
BATCH = 32
EPOCHS = 3
LR = 1e-3
SEED = 3

rng = np.random.default_rng(SEED)


def simulate_joint_torques(n_steps, collision_at=None):
    """Franka-style arm following a sinusoidal trajectory; torques = gravity + inertial + noise."""
    t = np.arange(n_steps) / CONTROL_HZ
    phase = rng.uniform(0, 2 * np.pi, size=N_JOINTS)
    freq = rng.uniform(0.2, 0.8, size=N_JOINTS)
    q = 0.6 * np.sin(2 * np.pi * freq[None, :] * t[:, None] + phase[None, :])
    qdd = np.gradient(np.gradient(q, axis=0), axis=0) * CONTROL_HZ ** 2
    gravity = np.array([0.0, 18.0, 0.5, -9.0, 0.3, 1.2, 0.05]) * np.cos(q)
    inertia = np.array([1.2, 1.0, 0.8, 0.6, 0.2, 0.15, 0.05])
    tau = gravity + inertia * qdd + rng.normal(0, 0.15, size=q.shape)
    contact = np.zeros(n_steps)
    if collision_at is not None:
        dur = int(0.08 * CONTROL_HZ)
        ext = rng.uniform(4, 10) * np.hanning(2 * dur)[:dur]
        joint = rng.integers(1, 4)
        tau[collision_at:collision_at + dur, joint] += ext
        contact[collision_at:collision_at + dur] = 1.0
    return tau, contact


def window_series(tau, contact):
    xs, ys = [], []
    for start in range(0, len(tau) - WINDOW + 1, STRIDE):
        xs.append(tau[start:start + WINDOW])
        ys.append(contact[start:start + WINDOW].max())
    return np.stack(xs), np.array(ys)


def normalise(windows, mean=None, std=None):
    if mean is None:
        mean = windows.reshape(-1, N_JOINTS).mean(0)
        std = windows.reshape(-1, N_JOINTS).std(0) + 1e-6
    return (windows - mean) / std, mean, std


def build_dataset(n_episodes, ep_len=2000):
    X, Y = [], []
    for _ in range(n_episodes):
        hit = rng.integers(200, ep_len - 200) if rng.random() < 0.6 else None
        tau, contact = simulate_joint_torques(ep_len, hit)
        xw, yw = window_series(tau, contact)
        X.append(xw)
        Y.append(yw)
    return np.concatenate(X), np.concatenate(Y)


def make_model():
    return nn.Sequential(
        nn.Conv1d(N_JOINTS, 32, kernel_size=5, padding=2),
        nn.GELU(),
        nn.Conv1d(32, 32, kernel_size=5, padding=2, dilation=1),
        nn.GELU(),
        nn.AdaptiveMaxPool1d(1),
        nn.Flatten(),
        nn.Linear(32, 1),
    )


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, n, tp, fp, fn = 0.0, 0, 0, 0, 0
    for xb, yb in loader:
        logits = model(xb.transpose(1, 2)).squeeze(-1)
        loss = F.binary_cross_entropy_with_logits(logits, yb)
        if training:
            opt.zero_grad()
            loss.backward()
            opt.step()
        pred = logits.detach() > 0
        tp += (pred & (yb > 0.5)).sum().item()
        fp += (pred & (yb < 0.5)).sum().item()
        fn += (~pred & (yb > 0.5)).sum().item()
        total += loss.item() * len(yb)
        n += len(yb)
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    return total / n, f1


torch.manual_seed(SEED)
X_train, y_train = build_dataset(12)
X_val, y_val = build_dataset(4)
X_train, mu, sigma = normalise(X_train)
X_val, _, _ = normalise(X_val, mu, sigma)
print(f"train windows {X_train.shape}, collision frac {y_train.mean():.3f}")

train_dl = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
                      batch_size=BATCH, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val)), batch_size=BATCH)

detector = make_model()
optimizer = torch.optim.Adam(detector.parameters(), lr=LR)
for epoch in range(EPOCHS):
    tr_loss, tr_f1 = run_epoch(detector, train_dl, optimizer)
    with torch.no_grad():
        va_loss, va_f1 = run_epoch(detector, val_dl)
    print(f"epoch {epoch}: train {tr_loss:.4f}/{tr_f1:.3f}  val {va_loss:.4f}/{va_f1:.3f}")

torch.save({"state_dict": detector.state_dict(), "mu": mu, "sigma": sigma}, "collision_detector.pt")
