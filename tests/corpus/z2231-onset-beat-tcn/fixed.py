import numpy as np
import torch
import torch.nn as nn

SR = 8000
N_FFT = 512
HOP = 160          # 50 frames per second
N_BANDS = 24
SEED = 3

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def synth_track(duration_s=8.0):
    """Click-and-tone excerpt with a steady tempo and small timing jitter."""
    bpm = rng.uniform(90, 150)
    period = 60.0 / bpm
    n = int(duration_s * SR)
    t = np.arange(n) / SR
    audio = 0.05 * rng.standard_normal(n)
    beat_times = np.arange(rng.uniform(0, period), duration_s, period)
    beat_times = beat_times + rng.normal(0, 0.005, size=beat_times.shape)
    for bt in beat_times:
        start = int(bt * SR)
        length = min(400, n - start)
        if length <= 0:
            continue
        env = np.exp(-np.arange(length) / 60.0)
        audio[start:start + length] += env * np.sin(2 * np.pi * 1200 * t[:length])
    audio += 0.1 * np.sin(2 * np.pi * 110 * t)
    return audio, beat_times


def band_flux(audio):
    window = np.hanning(N_FFT)
    n_frames = 1 + (len(audio) - N_FFT) // HOP
    frames = np.stack([audio[i * HOP:i * HOP + N_FFT] * window for i in range(n_frames)])
    mag = np.abs(np.fft.rfft(frames, axis=1))
    edges = np.geomspace(1, mag.shape[1] - 1, N_BANDS + 1).astype(int)
    bands = np.stack([mag[:, a:b + 1].mean(axis=1) for a, b in zip(edges[:-1], edges[1:])], axis=1)
    logb = np.log1p(100 * bands)
    flux = np.maximum(np.diff(logb, axis=0, prepend=logb[:1]), 0.0)
    feats = np.concatenate([logb, flux], axis=1)
    feats = (feats - feats.mean(axis=0)) / (feats.std(axis=0) + 1e-6)
    return feats


def beat_activation_target(beat_times, n_frames, widen=1):
    target = np.zeros(n_frames, dtype=np.float32)
    idx = np.round(beat_times * SR / HOP).astype(int)
    idx = idx[(idx >= 0) & (idx < n_frames)]
    target[idx] = 1.0
    for k in range(1, widen + 1):
        target[np.clip(idx - k, 0, n_frames - 1)] = np.maximum(target[np.clip(idx - k, 0, n_frames - 1)], 0.5)
        target[np.clip(idx + k, 0, n_frames - 1)] = np.maximum(target[np.clip(idx + k, 0, n_frames - 1)], 0.5)
    return target


def make_dataset(n_tracks):
    xs, ys = [], []
    for _ in range(n_tracks):
        audio, beats = synth_track()
        feats = band_flux(audio)
        xs.append(torch.from_numpy(feats.T.astype(np.float32)))
        ys.append(torch.from_numpy(beat_activation_target(beats, feats.shape[0])))
    return torch.stack(xs), torch.stack(ys)


def tcn(in_ch, ch=16, dilations=(1, 2, 4, 8)):
    layers = [nn.Conv1d(in_ch, ch, 3, padding=1), nn.ELU()]
    for d in dilations:
        layers += [nn.Conv1d(ch, ch, 5, padding=2 * d, dilation=d), nn.ELU(), nn.Dropout(0.1)]
    layers += [nn.Conv1d(ch, 1, 1)]
    return nn.Sequential(*layers)


def pick_peaks(act, threshold=0.4, min_gap=10):
    peaks, last = [], -min_gap
    for i in range(1, len(act) - 1):
        if act[i] > threshold and act[i] >= act[i - 1] and act[i] >= act[i + 1] and i - last >= min_gap:
            peaks.append(i)
            last = i
    return np.array(peaks) * HOP / SR


X, Y = make_dataset(12)
print("features", tuple(X.shape), "targets", tuple(Y.shape))
model = tcn(X.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
pos_weight = torch.tensor([(Y < 0.5).sum() / (Y >= 0.5).sum()])
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

for epoch in range(3):
    model.train()
    perm = torch.randperm(X.shape[0])
    total = 0.0
    for i in range(0, len(perm), 4):
        idx = perm[i:i + 4]
        logits = model(X[idx]).squeeze(1)
        loss = criterion(logits, Y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch}: bce {total:.4f}")

model.eval()
with torch.no_grad():
    act = torch.sigmoid(model(X[:1]).squeeze()).numpy()
print("estimated beats (s):", np.round(pick_peaks(act), 2)[:8])
