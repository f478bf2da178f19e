"""Per-frame repetition-phase segmentation for squat videos.

Input: COCO-17 keypoints from a pose estimator, (frames, 17, 2) per video.
Output: one phase label per frame: standing / descending / bottom / ascending.
Model: a small dilated temporal conv net (MS-TCN style, single stage).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

COCO_JOINTS = 17
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 11, 12, 13, 14, 15, 16
PHASES = ["standing", "descending", "bottom", "ascending"]
WINDOW = 96


def synth_squat_session(num_frames, reps):
    """Generate a fake keypoint track where hip height follows a squat cycle."""
    t = torch.arange(num_frames, dtype=torch.float32)
    period = num_frames / reps
    cyc = (t % period) / period
    depth = torch.sin(math.pi * cyc)
    skel = torch.rand(COCO_JOINTS, 2) * 0.1 + torch.tensor([0.5, 0.3])
    track = skel.expand(num_frames, -1, -1).clone()
    track[:, [L_HIP, R_HIP], 1] += 0.25 * depth[:, None]
    track[:, [L_KNEE, R_KNEE], 1] += 0.10 * depth[:, None]
    track += 0.005 * torch.randn_like(track)

    phase = torch.zeros(num_frames, dtype=torch.long)
    phase[(cyc >= 0.05) & (cyc < 0.4)] = 1
    phase[(cyc >= 0.4) & (cyc < 0.6)] = 2
    phase[(cyc >= 0.6) & (cyc < 0.95)] = 3
    return track, phase


def to_windows(track, phase, window, hop):
    clips, labels = [], []
    for start in range(0, track.shape[0] - window + 1, hop):
        clips.append(track[start:start + window])
        labels.append(phase[start:start + window])
    return torch.stack(clips), torch.stack(labels)


def normalize_pose(clips):
    # hip-centred, scaled by mean hip-ankle distance so camera distance does not matter
    hip_mid = clips[:, :, [L_HIP, R_HIP]].mean(2, keepdim=True)
    ankle_mid = clips[:, :, [L_ANKLE, R_ANKLE]].mean(2, keepdim=True)
    leg = (hip_mid - ankle_mid).norm(dim=-1, keepdim=True).mean(1, keepdim=True).clamp(min=1e-4)
    return (clips - hip_mid) / leg


class DilatedResidual(nn.Module):
    def __init__(self, channels, dilation):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        return x + self.drop(self.mix(F.relu(self.conv(x))))


class PhaseTCN(nn.Module):
    def __init__(self, in_ch, width, num_phases, layers=5):
        super().__init__()
        self.inp = nn.Conv1d(in_ch, width, 1)
        self.blocks = nn.Sequential(*[DilatedResidual(width, 2 ** i) for i in range(layers)])
        self.norm = nn.LayerNorm(width)
        self.cls = nn.Linear(width, num_phases)

    def forward(self, pose):
        # pose: (batch, frames, joints, 2) -> (batch, joints*2, frames)
        b, t, j, c = pose.shape
        x = pose.reshape(b, t, j * c).transpose(1, 2)
        x = self.blocks(self.inp(x))
        x = x.transpose(1, 2)
        return self.cls(self.norm(x))


def main():
    sessions = [synth_squat_session(n, r) for n, r in [(600, 8), (480, 6), (720, 10)]]
    clip_list, label_list = [], []
    for track, phase in sessions:
        c, l = to_windows(track, phase, WINDOW, hop=48)
        clip_list.append(c)
        label_list.append(l)
    clips = normalize_pose(torch.cat(clip_list))
    phase_targets = torch.cat(label_list)
    print("clips", tuple(clips.shape), "targets", tuple(phase_targets.shape))

    model = PhaseTCN(COCO_JOINTS * 2, width=32, num_phases=len(PHASES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()

    batch_size = 8
    for epoch in range(3):
        perm = torch.randperm(clips.shape[0])
        running, frames_ok, frames_seen = 0.0, 0, 0
        for i in range(0, len(perm), batch_size):
            idx = perm[i:i + batch_size]
            pose_batch, phase_batch = clips[idx], phase_targets[idx]
            frame_logits = model(pose_batch)
            loss = criterion(frame_logits, phase_batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
            frames_ok += (frame_logits.argmax(-1) == phase_batch).sum().item()
            frames_seen += phase_batch.numel()
        print(f"epoch {epoch} loss {running:.3f} frame-acc {frames_ok / frames_seen:.3f}")


if __name__ == "__main__":
    main()
