"""Surgical phase recognition on laparoscopic video snippets.

Every procedure recording is cut into snippets; from each snippet we sample a fixed
number of frames, run a short temporal 3D stem to capture tool motion, then a 2D
per-frame trunk, and predict the surgical phase of every sampled frame.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

PHASES = ["preparation", "calot_triangle", "clipping", "gallbladder_dissection",
          "packaging", "cleaning", "retraction"]
FRAMES_PER_SNIPPET = 12
RES = 32


def load_snippet(n_raw, phase_start, phase_switch):
    """Stand-in for a decoded snippet: raw frames and the phase label of each raw frame."""
    raw = torch.rand(n_raw, 3, RES, RES)
    phase = torch.full((n_raw,), phase_start, dtype=torch.long)
    phase[phase_switch:] = min(phase_start + 1, len(PHASES) - 1)
    return raw, phase


def sample_fixed(raw, phase, k=FRAMES_PER_SNIPPET):
    idx = torch.linspace(0, raw.shape[0] - 1, k).round().long()
    return raw[idx], phase[idx]


class MotionStem(nn.Module):
    """Temporal 3D conv over (C, T, H, W) to pick up instrument motion."""

    def __init__(self, out_ch):
        super().__init__()
        self.conv = nn.Conv3d(3, out_ch, kernel_size=(3, 3, 3), padding=1, stride=(1, 2, 2))
        self.bn = nn.BatchNorm3d(out_ch)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class PhaseNet(nn.Module):
    def __init__(self, n_phases, stem_ch=16, width=32):
        super().__init__()
        self.stem = MotionStem(stem_ch)
        self.trunk = nn.Sequential(
            nn.Conv2d(stem_ch, width, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.temporal = nn.GRU(width, width, batch_first=True)
        self.phase_head = nn.Linear(width, n_phases)

    def forward(self, clip):
        # clip: (B, T, 3, H, W)
        b, t = clip.shape[:2]
        x = self.stem(clip.permute(0, 2, 1, 3, 4))          # (B, C, T, H', W')
        x = x.permute(0, 2, 1, 3, 4)                        # (B, T, C, H', W')
        x = x.view(b * t, x.shape[2], x.shape[3], x.shape[4])
        per_frame = self.trunk(x).view(b, t, -1)
        ctx, _ = self.temporal(per_frame)
        return self.phase_head(ctx)                          # (B, T, phases)


def build_split():
    specs = [(90, 0, 40), (130, 1, 70), (75, 2, 30), (110, 3, 95), (100, 4, 20), (84, 5, 60)]
    clips, labels = [], []
    for n_raw, start, switch in specs:
        frames, phase = sample_fixed(*load_snippet(n_raw, start, switch))
        clips.append(frames)
        labels.append(phase)
    return torch.stack(clips), torch.stack(labels)


def main():
    clips, labels = build_split()
    print("clips", tuple(clips.shape), "labels", tuple(labels.shape))

    net = PhaseNet(len(PHASES))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

    for epoch in range(4):
        perm = torch.randperm(clips.shape[0])
        epoch_loss = 0.0
        for j in range(0, len(perm), 3):
            sel = perm[j:j + 3]
            logits = net(clips[sel])
            loss = F.cross_entropy(logits.flatten(0, 1), labels[sel].flatten())
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch} loss {epoch_loss:.3f}")

    net.eval()
    with torch.no_grad():
        pred = net(clips).argmax(-1)
    acc = (pred == labels).float().mean().item()
    print(f"frame-level phase accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
