# Continuous gesture recognition from a data glove stream.
# 5 flex sensors + 3-axis accel + 3-axis gyro per hand, sampled at 100 Hz.
# Long recordings are cut into consecutive windows and fed to a stateful GRU
# (truncated BPTT), predicting a gesture class per frame.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 7
N_FLEX, N_IMU = 5, 6
N_CH = 2 * (N_FLEX + N_IMU)
GESTURES = ["rest", "grab", "release", "swipe_l", "swipe_r", "point", "thumbs_up"]
WINDOW = 50
HIDDEN = 48
EPOCHS = 2
LR = 2e-3

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def synth_recording(n_frames):
    """Random sequence of gestures, each lasting 40-120 frames."""
    labels = np.zeros(n_frames, dtype=np.int64)
    sig = np.zeros((n_frames, N_CH), dtype=np.float32)
    t = 0
    while t < n_frames:
        dur = int(rng.integers(40, 120))
        g = int(rng.integers(0, len(GESTURES)))
        end = min(t + dur, n_frames)
        phase = np.linspace(0, np.pi, end - t)[:, None]
        template = rng.normal(0, 1, size=(1, N_CH)) * (g + 1) / len(GESTURES)
        sig[t:end] = template * np.sin(phase)
        labels[t:end] = g
        t = end
    sig += rng.normal(0, 0.1, size=sig.shape).astype(np.float32)
    return sig, labels


def calibrate(sig, rest_frames=30):
    # subtract per-channel baseline measured while the hand is relaxed
    baseline = sig[:rest_frames].mean(axis=0, keepdims=True)
    scale = sig.std(axis=0, keepdims=True) + 1e-5
    return (sig - baseline) / scale


def windows(sig, labels, size):
    for start in range(0, len(sig) - size + 1, size):
        x = torch.from_numpy(sig[start:start + size]).unsqueeze(0)
        y = torch.from_numpy(labels[start:start + size]).unsqueeze(0)
        yield x, y


recordings = []
for _ in range(4):
    s, l = synth_recording(int(rng.integers(600, 900)))
    recordings.append((calibrate(s).astype(np.float32), l))

frontend = nn.Sequential(nn.Linear(N_CH, HIDDEN), nn.LayerNorm(HIDDEN), nn.ReLU())
gru = nn.GRU(HIDDEN, HIDDEN, num_layers=1, batch_first=True)
classifier = nn.Linear(HIDDEN, len(GESTURES))
params = list(frontend.parameters()) + list(gru.parameters()) + list(classifier.parameters())
opt = torch.optim.Adam(params, lr=LR)


def step_window(x, h):
    z = frontend(x)
    out, h_new = gru(z, h)
    return classifier(out), h_new


for epoch in range(EPOCHS):
    epoch_loss, n_win = 0.0, 0
    for rec_idx, (sig, labels) in enumerate(recordings):
        h = torch.zeros(1, 1, HIDDEN)
        for x, y in windows(sig, labels, WINDOW):
            logits, h = step_window(x, h.detach())
            loss = F.cross_entropy(logits.reshape(-1, len(GESTURES)), y.reshape(-1))
            smooth = (logits[:, 1:].softmax(-1) - logits[:, :-1].softmax(-1)).abs().mean()
            total = loss + 0.1 * smooth
            opt.zero_grad()
            total.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            epoch_loss += loss.item()
            n_win += 1
    print(f"epoch {epoch}: mean window loss {epoch_loss / n_win:.4f}")

with torch.no_grad():
    sig, labels = recordings[0]
    h = torch.zeros(1, 1, HIDDEN)
    preds = []
    for x, _ in windows(sig, labels, WINDOW):
        logits, h = step_window(x, h)
        preds.append(logits.argmax(-1).squeeze(0))
    preds = torch.cat(preds).numpy()
    acc = (preds == labels[: len(preds)]).mean()
    print(f"frame accuracy on recording 0: {acc:.3f}")
