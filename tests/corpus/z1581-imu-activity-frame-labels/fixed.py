"""Dense human-activity segmentation from a wrist IMU (acc + gyro at 50 Hz).

Each recording is cut into fixed windows; every sample carries an activity label.
A strided Conv1d stem shortens the sequence before a bidirectional GRU, and a
per-frame classifier predicts the activity at every encoder step.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

ACTIVITIES = ["walk", "upstairs", "downstairs", "sit", "stand", "lie"]
SAMPLE_HZ = 50
WINDOW = 256
IGNORE = -100
IMU_CHANNELS = 6


def synth_recording(n_samples):
    """Piecewise-stationary IMU stream with a label for every sample."""
    signal = torch.empty(IMU_CHANNELS, n_samples)
    activity = torch.empty(n_samples, dtype=torch.long)
    pos = 0
    while pos < n_samples:
        seg = int(torch.randint(SAMPLE_HZ * 2, SAMPLE_HZ * 6, ()).item())
        act = int(torch.randint(len(ACTIVITIES), ()).item())
        end = min(pos + seg, n_samples)
        t = torch.arange(end - pos) / SAMPLE_HZ
        freq = 0.5 + act * 0.4
        signal[:, pos:end] = torch.sin(2 * torch.pi * freq * t) * (act + 1) / 3 + 0.1 * torch.randn(IMU_CHANNELS, end - pos)
        activity[pos:end] = act
        pos = end
    return signal, activity


def window_recording(signal, activity):
    chunks, chunk_labels = [], []
    for start in range(0, signal.shape[1], WINDOW):
        sig = signal[:, start : start + WINDOW]
        lab = activity[start : start + WINDOW]
        pad = WINDOW - sig.shape[1]
        if pad:
            sig = F.pad(sig, (0, pad))
            lab = F.pad(lab, (0, pad), value=IGNORE)
        chunks.append(sig)
        chunk_labels.append(lab)
    return chunks, chunk_labels


class ImuSegmenter(nn.Module):
    def __init__(self, n_classes, width=48, rnn_hidden=32):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(IMU_CHANNELS, width, kernel_size=5, stride=2, padding=2),
            nn.BatchNorm1d(width),
            nn.ReLU(),
            nn.Conv1d(width, width, kernel_size=5, stride=2, padding=2),
            nn.BatchNorm1d(width),
            nn.ReLU(),
        )
        self.rnn = nn.GRU(width, rnn_hidden, batch_first=True, bidirectional=True)
        self.frame_head = nn.Linear(2 * rnn_hidden, n_classes)

    def forward(self, imu):
        feats = self.stem(imu).transpose(1, 2)
        seq, _ = self.rnn(feats)
        return self.frame_head(seq)


def build_dataset(n_recordings=6):
    windows, labels = [], []
    for _ in range(n_recordings):
        n = int(torch.randint(WINDOW * 2, WINDOW * 5, ()).item())
        sig, act = synth_recording(n)
        w, l = window_recording(sig, act)
        windows += w
        labels += l
    return torch.stack(windows), torch.stack(labels)


def segment_loss(frame_logits, segment_labels):
    n_classes = frame_logits.shape[-1]
    return F.cross_entropy(
        frame_logits.reshape(-1, n_classes),
        segment_labels.reshape(-1),
        ignore_index=IGNORE,
    )


def main():
    imu_windows, segment_labels = build_dataset()
    print("windows:", tuple(imu_windows.shape), "labels:", tuple(segment_labels.shape))
    model = ImuSegmenter(len(ACTIVITIES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = 8
    for epoch in range(3):
        perm = torch.randperm(imu_windows.shape[0])
        running = 0.0
        for i in range(0, len(perm), batch):
            idx = perm[i : i + batch]
            frame_logits = model(imu_windows[idx])
            stride = WINDOW // frame_logits.shape[1]
            loss = segment_loss(frame_logits, segment_labels[idx][:, ::stride])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch} loss {running / len(perm):.4f}")


if __name__ == "__main__":
    main()
