"""Frame-level activity recognition from wrist IMU recordings.

Each recording is 6-channel (acc xyz + gyro xyz) at 50 Hz. A strided Conv1d
front end reduces the rate to 12.5 Hz, a bidirectional GRU runs over the
frames and a per-frame head predicts the activity. After a short training
run the per-frame predictions are turned into (start_s, end_s, activity)
segments for every recording in the batch.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

ACTIVITIES = ["still", "walk", "run", "stairs_up", "stairs_down"]
SAMPLE_RATE = 50
FRONTEND_STRIDE = 4  # two stride-2 convs


def synth_recording(n_samples, n_segments=3):
    """Random IMU trace with piecewise-constant activity per sample."""
    bounds = sorted(torch.randint(1, n_samples, (n_segments - 1,)).tolist())
    bounds = [0] + bounds + [n_samples]
    signal = torch.zeros(6, n_samples)
    labels = torch.zeros(n_samples, dtype=torch.long)
    for a, b in zip(bounds[:-1], bounds[1:]):
        act = torch.randint(0, len(ACTIVITIES), (1,)).item()
        freq = 0.5 + act
        t = torch.arange(b - a) / SAMPLE_RATE
        signal[:, a:b] = torch.sin(2 * math.pi * freq * t) * (0.2 + act * 0.3)
        labels[a:b] = act
    signal += 0.05 * torch.randn_like(signal)
    return signal, labels


def collate(recordings):
    lengths = torch.tensor([sig.shape[1] for sig, _ in recordings])
    max_len = int(lengths.max())
    imu = torch.zeros(len(recordings), 6, max_len)
    sample_labels = torch.full((len(recordings), max_len), -100, dtype=torch.long)
    for i, (sig, lab) in enumerate(recordings):
        imu[i, :, : sig.shape[1]] = sig
        sample_labels[i, : lab.shape[0]] = lab
    return {"imu": imu, "lengths": lengths, "sample_labels": sample_labels}


def frames_after_frontend(lengths):
    # Conv1d(k=5, s=2, p=2) twice -> ceil(L / 2) twice
    out = lengths
    for _ in range(2):
        out = torch.div(out + 1, 2, rounding_mode="floor")
    return out


class ImuTagger(nn.Module):
    def __init__(self, n_channels=6, width=48, n_classes=len(ACTIVITIES)):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(n_channels, width, kernel_size=5, stride=2, padding=2),
            nn.GELU(),
            nn.Conv1d(width, width, kernel_size=5, stride=2, padding=2),
            nn.GELU(),
        )
        self.gru = nn.GRU(width, width, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * width, n_classes)

    def forward(self, imu):
        feats = self.frontend(imu).transpose(1, 2)  # (B, frames, width)
        out, _ = self.gru(feats)
        return self.head(out)


def frame_targets(sample_labels, n_frames):
    # take the label of the first sample in each stride window
    return sample_labels[:, ::FRONTEND_STRIDE][:, :n_frames]


def to_segments(frame_preds, n_valid):
    segments = []
    start = 0
    for t in range(1, n_valid + 1):
        if t == n_valid or frame_preds[t].item() != frame_preds[start].item():
            act = ACTIVITIES[frame_preds[start].item()]
            hop = FRONTEND_STRIDE / SAMPLE_RATE
            segments.append((round(start * hop, 2), round(t * hop, 2), act))
            start = t
    return segments


def main():
    durations_s = [8.0, 6.4, 5.2, 7.6]
    recordings = [synth_recording(int(d * SAMPLE_RATE)) for d in durations_s]
    batch = collate(recordings)

    model = ImuTagger()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    frame_lengths = frames_after_frontend(batch["lengths"])
    for step in range(2):
        logits = model(batch["imu"])
        targets = frame_targets(batch["sample_labels"], logits.shape[1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                               ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:2d}  loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        frame_preds = model(batch["imu"]).argmax(-1)
    print("frames per recording:", frame_lengths.tolist())

    for i, length in enumerate(frame_lengths.tolist()):
        segs = to_segments(frame_preds[i], length)
        print(f"recording {i}: {len(segs)} segments, first={segs[0]}")


if __name__ == "__main__":
    main()
