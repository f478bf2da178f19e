import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIONS = ["background", "take_cup", "pour_water", "stir", "drink"]
ACTION_TO_ID = {a: i for i, a in enumerate(ACTIONS)}
FPS = 15
SAMPLE_STRIDE = 2
H = W = 24


def synth_annotations(rng, n_videos=6):
    """Yield (video_id, n_frames, segments) in the same layout as the annotation export."""
    for v in range(n_videos):
        n_segments = int(rng.integers(3, 6))
        lengths = rng.integers(8, 24, size=n_segments)
        cursor, segments = 0, []
        for length in lengths:
            label = ACTIONS[int(rng.integers(0, len(ACTIONS)))]
            segments.append({"start": int(cursor), "end": int(cursor + length), "label": label})
            cursor += int(length)
        yield f"kitchen_{v:02d}", int(cursor), segments


def render_video(n_frames, rng):
    return torch.from_numpy(rng.random((n_frames, 3, H, W), dtype=np.float32))


def frame_targets_from_segments(segments, n_frames):
    targets = torch.zeros(n_frames, dtype=torch.long)
    for seg in segments:
        cls = ACTION_TO_ID[seg["label"]]
        for t in range(seg["start"], seg["end"] + 1):
            targets[t] = cls
    return targets


def subsample(video, targets, stride):
    keep = torch.arange(0, video.shape[0], stride)
    return video[keep], targets[keep]


class FrameEncoder(nn.Module):
    def __init__(self, dim=48):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.proj = nn.Linear(32, dim)

    def forward(self, frames):
        return self.proj(self.conv(frames).flatten(1))


class DilatedResidual(nn.Module):
    def __init__(self, dim, dilation):
        super().__init__()
        self.conv = nn.Conv1d(dim, dim, 3, padding=dilation, dilation=dilation)
        self.out = nn.Conv1d(dim, dim, 1)

    def forward(self, x):
        return x + self.out(F.relu(self.conv(x)))


class SegmentationNet(nn.Module):
    def __init__(self, num_classes, dim=48, layers=4):
        super().__init__()
        self.encoder = FrameEncoder(dim)
        self.tcn = nn.Sequential(*[DilatedResidual(dim, 2 ** i) for i in range(layers)])
        self.cls = nn.Conv1d(dim, num_classes, 1)

    def forward(self, video):
        feats = self.encoder(video)                 # (T, D)
        feats = feats.t().unsqueeze(0)              # (1, D, T)
        return self.cls(self.tcn(feats)).squeeze(0).t()  # (T, K)


def smoothing_loss(logits):
    logp = F.log_softmax(logits, dim=-1)
    return torch.clamp((logp[1:] - logp[:-1].detach()) ** 2, max=16).mean()


def frame_accuracy(logits, targets):
    return (logits.argmax(-1) == targets).float().mean().item()


def build_dataset(seed):
    rng = np.random.default_rng(seed)
    items = []
    for vid, n_frames, segments in synth_annotations(rng):
        video = render_video(n_frames, rng)
        targets = frame_targets_from_segments(segments, n_frames)
        video, targets = subsample(video, targets, SAMPLE_STRIDE)
        items.append({"id": vid, "video": video, "targets": targets})
        print(f"{vid}: {n_frames} frames -> {len(targets)} after stride {SAMPLE_STRIDE}, "
              f"{len(segments)} segments")
    return items


def main():
    torch.manual_seed(0)
    dataset = build_dataset(seed=3)
    model = SegmentationNet(len(ACTIONS))
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)

    for epoch in range(3):
        accs = []
        for item in dataset:
            logits = model(item["video"])
            loss = F.cross_entropy(logits, item["targets"]) + 0.15 * smoothing_loss(logits)
            opt.zero_grad()
            loss.backward()
            opt.step()
            accs.append(frame_accuracy(logits, item["targets"]))
        print(f"epoch {epoch}: frame acc {np.mean(accs):.3f}")


if __name__ == "__main__":
    main()
