"""Fall detection for a care-home camera from 2D skeletons (BlazePose-33 layout).

Every clip is 4 s at 30 fps. For each frame we compute a handful of hand-crafted
kinematic cues (hip height, trunk angle, vertical hip speed, body-box aspect) and
run a GRU over the per-frame cue vectors to classify fall / no-fall.
"""
import math

import torch
import torch.nn as nn

torch.manual_seed(3)

NOSE, L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 0, 11, 12, 23, 24
NUM_LANDMARKS = 33
FPS = 30
CLIP_SECONDS = 4


def synth_clip(fall: bool):
    n = FPS * CLIP_SECONDS
    person = torch.rand(NUM_LANDMARKS, 2) * torch.tensor([0.15, 0.6]) + torch.tensor([0.4, 0.2])
    clip = person.expand(n, -1, -1).clone()
    if fall:
        onset = torch.randint(30, 70, (1,)).item()
        drop = torch.zeros(n)
        drop[onset:] = torch.linspace(0, 0.35, n - onset)
        clip[:, :, 1] += drop[:, None] * (1.0 - clip[:, :, 1])
        clip[:, :, 0] += drop[:, None] * (clip[:, :, 1] - 0.5) * 0.8
    clip += 0.004 * torch.randn_like(clip)
    return clip


def trunk_angle(frame):
    shoulder_mid = (frame[L_SHOULDER] + frame[R_SHOULDER]) / 2
    hip_mid = (frame[L_HIP] + frame[R_HIP]) / 2
    d = shoulder_mid - hip_mid
    return math.atan2(abs(d[0].item()), abs(d[1].item()) + 1e-6)


def kinematic_cues(skeleton):
    """skeleton: (frames, 33, 2) in normalized image coords, y pointing down."""
    hip_y = skeleton[:, [L_HIP, R_HIP], 1].mean(1)
    hip_speed = (hip_y[1:] - hip_y[:-1]) * FPS
    box_w = skeleton[..., 0].amax(1) - skeleton[..., 0].amin(1)
    box_h = skeleton[..., 1].amax(1) - skeleton[..., 1].amin(1)

    num_frames = skeleton.shape[0]
    rows = []
    for t in range(num_frames):
        rows.append([
            hip_y[t].item(),
            trunk_angle(skeleton[t]),
            hip_speed[t].item(),
            (box_w[t] / box_h[t].clamp(min=1e-4)).item(),
        ])
    return torch.tensor(rows)


class FallGRU(nn.Module):
    def __init__(self, n_cues=4, hidden=32):
        super().__init__()
        self.cue_norm = nn.LayerNorm(n_cues)
        self.gru = nn.GRU(n_cues, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, cues):
        _, h = self.gru(self.cue_norm(cues))
        return self.out(h[-1]).squeeze(-1)


def build_split(n_clips):
    feats, labels = [], []
    for i in range(n_clips):
        fall = i % 3 == 0
        feats.append(kinematic_cues(synth_clip(fall)))
        labels.append(float(fall))
    return torch.stack(feats), torch.tensor(labels)


def main():
    train_x, train_y = build_split(24)
    val_x, val_y = build_split(9)
    print("train cues", tuple(train_x.shape))

    model = FallGRU()
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))

    for epoch in range(5):
        model.train()
        perm = torch.randperm(len(train_x))
        for i in range(0, len(perm), 6):
            idx = perm[i:i + 6]
            loss = bce(model(train_x[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = (model(val_x).sigmoid() > 0.5).float()
            recall = (pred * val_y).sum() / val_y.sum().clamp(min=1)
        print(f"epoch {epoch} loss {loss.item():.3f} val fall recall {recall.item():.2f}")


if __name__ == "__main__":
    main()
