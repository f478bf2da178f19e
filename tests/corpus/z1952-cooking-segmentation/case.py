"""Frame-wise action segmentation for cooking videos (breakfast-style recipes).

Each clip is a sequence of RGB frames; a small 2D CNN turns every frame into a
feature vector, then a dilated temporal conv stack predicts one step label per frame.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

STEPS = ["background", "crack_egg", "whisk", "pour", "fry", "plate"]
FRAME_SIZE = 32
FEAT_DIM = 48
PAD_LABEL = -100


def synth_recipe_clip(num_frames):
    """Fake clip: frames plus a piecewise-constant step label per frame."""
    frames = torch.rand(num_frames, 3, FRAME_SIZE, FRAME_SIZE)
    cuts = sorted(random.sample(range(1, num_frames), 4))
    bounds = [0] + cuts + [num_frames]
    step_ids = torch.zeros(num_frames, dtype=torch.long)
    for seg_idx, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        step_ids[a:b] = (seg_idx + 1) % len(STEPS)
    return frames, step_ids


def collate_recipes(clips):
    longest = max(f.shape[0] for f, _ in clips)
    video = torch.zeros(len(clips), longest, 3, FRAME_SIZE, FRAME_SIZE)
    steps = torch.full((len(clips), longest), PAD_LABEL, dtype=torch.long)
    for i, (frames, step_ids) in enumerate(clips):
        video[i, : frames.shape[0]] = frames
        steps[i, : step_ids.shape[0]] = step_ids
    return video, steps


class FrameEncoder(nn.Module):
    def __init__(self, out_dim):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.proj = nn.Linear(32, out_dim)

    def forward(self, video):
        b, t = video.shape[:2]
        x = self.body(video.flatten(0, 1)).flatten(1)
        return self.proj(x).view(b, t, -1)


class DilatedResidual(nn.Module):
    def __init__(self, dim, dilation):
        super().__init__()
        self.conv = nn.Conv1d(dim, dim, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(dim, dim, 1)

    def forward(self, x):
        return x + self.mix(F.relu(self.conv(x)))


class RecipeSegmenter(nn.Module):
    def __init__(self, feat_dim, num_steps, temporal_stride=2):
        super().__init__()
        self.encoder = FrameEncoder(feat_dim)
        # coarse temporal resolution keeps the dilated stack cheap on long videos
        self.downsample = nn.MaxPool1d(temporal_stride, stride=temporal_stride)
        self.tcn = nn.Sequential(*[DilatedResidual(feat_dim, 2 ** k) for k in range(4)])
        self.head = nn.Conv1d(feat_dim, num_steps, 1)

    def forward(self, video):
        feats = self.encoder(video).transpose(1, 2)      # (B, D, T)
        feats = self.downsample(feats)
        feats = self.tcn(feats)
        scores = self.head(feats)                         # (B, steps, T')
        return scores.transpose(1, 2)                     # (B, T', steps)


def frame_accuracy(scores, steps):
    pred = scores.argmax(-1)
    valid = steps != PAD_LABEL
    return (pred[valid] == steps[valid]).float().mean().item()


def main():
    lengths = [80, 64, 72, 56, 80, 68]
    dataset = [synth_recipe_clip(n) for n in lengths]
    batches = [collate_recipes(dataset[i:i + 2]) for i in range(0, len(dataset), 2)]

    model = RecipeSegmenter(FEAT_DIM, len(STEPS))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        running = 0.0
        for video, steps in batches:
            scores = model(video)
            loss = F.cross_entropy(
                scores.reshape(-1, len(STEPS)),
                steps.reshape(-1),
                ignore_index=PAD_LABEL,
            )
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(batches):.4f}")

    model.eval()
    with torch.no_grad():
        video, steps = batches[0]
        print("frame accuracy:", frame_accuracy(model(video), steps))


if __name__ == "__main__":
    main()
