"""Surgical phase recognition for laparoscopic cholecystectomy recordings.

A small CNN embeds every STRIDE-th frame of the recording, a single-stage dilated
temporal conv net predicts the surgical phase of each embedded frame, and the
predictions are turned into a list of phase segments for the surgical report.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

PHASES = ["preparation", "calot_dissection", "clipping_cutting",
          "gallbladder_dissection", "packaging", "cleaning_coagulation"]
FPS = 25
STRIDE = 5
IMG = 32
FEAT_DIM = 48


class FrameEncoder(nn.Module):
    def __init__(self, dim=FEAT_DIM):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.proj = nn.Linear(32, dim)

    def forward(self, frames):
        return self.proj(self.backbone(frames))


class DilatedResidual(nn.Module):
    def __init__(self, channels, dilation):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x):
        return x + self.mix(F.relu(self.conv(x)))


class PhaseTCN(nn.Module):
    def __init__(self, in_dim, hidden, n_phases, n_layers=4):
        super().__init__()
        self.inp = nn.Conv1d(in_dim, hidden, 1)
        self.stages = nn.ModuleList(DilatedResidual(hidden, 2 ** i) for i in range(n_layers))
        self.out = nn.Conv1d(hidden, n_phases, 1)

    def forward(self, feats):
        x = self.inp(feats.transpose(1, 2))
        for stage in self.stages:
            x = stage(x)
        return self.out(x).transpose(1, 2)


def make_recording(num_frames):
    frames = torch.rand(num_frames, 3, IMG, IMG)
    cuts = sorted(torch.randint(1, num_frames, (len(PHASES) - 1,)).tolist())
    phase = torch.zeros(num_frames, dtype=torch.long)
    for k, cut in enumerate(cuts):
        phase[cut:] = k + 1
    return {"frames": frames, "phase": phase, "num_frames": num_frames}


def subsample(recording):
    keep = torch.arange(0, recording["num_frames"], STRIDE)
    return recording["frames"][keep], recording["phase"][keep]


def extract_segments(frame_phase, num_frames):
    segments = []
    start = 0
    for t in range(1, num_frames):
        if frame_phase[t] != frame_phase[t - 1]:
            segments.append((PHASES[int(frame_phase[start])], start, t - 1))
            start = t
    segments.append((PHASES[int(frame_phase[start])], start, num_frames - 1))
    return segments


def to_seconds(idx):
    return idx * STRIDE / FPS


encoder = FrameEncoder()
tcn = PhaseTCN(FEAT_DIM, 32, len(PHASES))
params = list(encoder.parameters()) + list(tcn.parameters())
optim = torch.optim.Adam(params, lr=1e-3)

train_set = [make_recording(n) for n in (120, 95, 140, 110)]

for epoch in range(3):
    total = 0.0
    for rec in train_set:
        frames, phase = subsample(rec)
        feats = encoder(frames).unsqueeze(0)
        logits = tcn(feats)[0]
        loss = F.cross_entropy(logits, phase)
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: mean loss {total / len(train_set):.4f}")

encoder.eval()
tcn.eval()
test_rec = make_recording(130)
with torch.no_grad():
    frames, phase = subsample(test_rec)
    pred = tcn(encoder(frames).unsqueeze(0))[0].argmax(-1)

acc = (pred == phase).float().mean().item()
print(f"frame accuracy on held-out recording: {acc:.3f}")

segments = extract_segments(pred, test_rec["num_frames"])
print("phase report:")
for name, s, e in segments:
    print(f"  {name:<24s} {to_seconds(s):6.1f}s - {to_seconds(e + 1):6.1f}s")
