"""Per-frame hazard detection for dashcam footage.

Every frame of a dashcam clip is labelled safe / hazard (a pedestrian or vehicle
entering the ego lane). Clips have different lengths, so they are padded to the
longest clip in the batch and a frame mask keeps padded frames out of the loss.
A small CNN embeds each frame and a causal temporal conv stack looks back over
recent frames before a per-frame classifier.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

FRAME_H, FRAME_W = 32, 48
EMBED = 40
HAZARD_CLASSES = ["safe", "hazard"]


def load_dashcam_clip():
    n = int(torch.randint(20, 45, ()).item())
    frames = torch.rand(n, 3, FRAME_H, FRAME_W)
    labels = torch.zeros(n, dtype=torch.long)
    onset = int(torch.randint(n // 2, n, ()).item())
    labels[onset:] = 1
    return frames, labels


def pad_clips(clips):
    longest = max(f.shape[0] for f, _ in clips)
    b = len(clips)
    frames = torch.zeros(b, longest, 3, FRAME_H, FRAME_W)
    labels = torch.zeros(b, longest, dtype=torch.long)
    frame_mask = torch.zeros(b, longest, dtype=torch.bool)
    for i, (f, y) in enumerate(clips):
        frames[i, :f.shape[0]] = f
        labels[i, :y.shape[0]] = y
        frame_mask[i, :f.shape[0]] = True
    return frames, labels, frame_mask


class RoadFrameCNN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)),
        )
        self.fc = nn.Linear(32, dim)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


class CausalTemporalBlock(nn.Module):
    def __init__(self, ch, kernel, dilation):
        super().__init__()
        self.left_pad = (kernel - 1) * dilation
        self.conv = nn.Conv1d(ch, ch, kernel, dilation=dilation)
        self.norm = nn.BatchNorm1d(ch)

    def forward(self, x):
        y = self.conv(F.pad(x, (self.left_pad, 0)))
        return x + F.relu(self.norm(y))


class HazardTagger(nn.Module):
    def __init__(self, dim, n_classes):
        super().__init__()
        self.frame_cnn = RoadFrameCNN(dim)
        self.temporal = nn.Sequential(
            nn.Conv1d(dim, dim, 1),
            CausalTemporalBlock(dim, 3, 1),
            CausalTemporalBlock(dim, 3, 2),
            CausalTemporalBlock(dim, 3, 4),
        )
        self.classifier = nn.Linear(dim, n_classes)

    def forward(self, frames):
        b, t = frames.shape[:2]
        per_frame = self.frame_cnn(frames.reshape(b * t, 3, FRAME_H, FRAME_W))
        seq = per_frame.view(b, t, -1).permute(0, 2, 1)
        seq = self.temporal(seq)
        seq = seq.permute(0, 2, 1)
        logits = self.classifier(seq.view(b * t, -1))
        return logits.view(b, t, -1)


def masked_frame_loss(logits, labels, frame_mask):
    flat_logits = logits[frame_mask]
    flat_labels = labels[frame_mask]
    return F.cross_entropy(flat_logits, flat_labels)


model = HazardTagger(EMBED, len(HAZARD_CLASSES))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
clips = [load_dashcam_clip() for _ in range(12)]

for epoch in range(3):
    model.train()
    epoch_loss = 0.0
    for start in range(0, len(clips), 4):
        frames, labels, frame_mask = pad_clips(clips[start:start + 4])
        logits = model(frames)
        loss = masked_frame_loss(logits, labels, frame_mask)
        optim.zero_grad()
        loss.backward()
        optim.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch}: loss {epoch_loss / 3:.4f}")

model.eval()
with torch.no_grad():
    frames, labels, frame_mask = pad_clips(clips[:4])
    pred = model(frames).argmax(-1)
    hits = ((pred == labels) & frame_mask).sum().item()
print(f"frame accuracy: {hits / frame_mask.sum().item():.3f}")
