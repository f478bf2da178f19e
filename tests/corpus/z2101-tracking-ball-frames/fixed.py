"""Predict which team wins the next loose ball from 25 Hz soccer tracking data.

Per match we have the optical player feed (frames x 22 players x (x, y)) and the ball
feed from the ball-tracking provider (frames x (x, y, z)).  For every frame we compute a
few ball-centric features (distance of the closest home / away player, ball height,
pressure count) and feed clips of them into a small GRU.
"""
import math

import torch
from torch import nn

torch.manual_seed(3)

FPS = 25
PITCH_X, PITCH_Y = 105.0, 68.0
HOME, AWAY = slice(0, 11), slice(11, 22)
CLIP = 50
PRESSURE_RADIUS = 5.0


def simulate_match(seconds=40, trailing_ball_frames=0):
    """Random-walk the 22 players and the ball for one match."""
    n_frames = seconds * FPS
    start = torch.rand(22, 2) * torch.tensor([PITCH_X, PITCH_Y])
    steps = torch.randn(n_frames, 22, 2) * 0.15
    players_xy = (start + steps.cumsum(0)).clamp(min=0)
    players_xy[..., 0].clamp_(max=PITCH_X)
    players_xy[..., 1].clamp_(max=PITCH_Y)

    ball_frames = n_frames + trailing_ball_frames
    ball_start = torch.tensor([PITCH_X / 2, PITCH_Y / 2, 0.0])
    ball_steps = torch.randn(ball_frames, 3) * torch.tensor([0.6, 0.6, 0.1])
    ball_xyz = ball_start + ball_steps.cumsum(0)
    ball_xyz[:, 2] = ball_xyz[:, 2].abs()
    return players_xy, ball_xyz


def frame_features(players_xy, ball_xyz):
    feats = []
    for t in range(players_xy.shape[0]):
        ball = ball_xyz[t, :2]
        dists = torch.linalg.norm(players_xy[t] - ball, dim=-1)
        home_min = dists[HOME].min()
        away_min = dists[AWAY].min()
        pressure = (dists < PRESSURE_RADIUS).sum().float()
        feats.append(torch.stack([home_min, away_min, ball_xyz[t, 2], pressure,
                                  ball[0] / PITCH_X, ball[1] / PITCH_Y]))
    return torch.stack(feats)


def make_clips(feats):
    n = feats.shape[0] // CLIP
    clips = feats[: n * CLIP].view(n, CLIP, -1)
    # label: which side is closer to the ball at the end of the clip
    labels = (clips[:, -1, 1] < clips[:, -1, 0]).long()
    return clips, labels


class LooseBallGRU(nn.Module):
    def __init__(self, n_feats, hidden=32):
        super().__init__()
        self.norm = nn.LayerNorm(n_feats)
        self.gru = nn.GRU(n_feats, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 2)

    def forward(self, clips):
        _, h = self.gru(self.norm(clips))
        return self.out(h[-1])


def main():
    matches = [simulate_match(trailing_ball_frames=(0 if m % 2 else 3 * FPS // 5)) for m in range(4)]
    all_clips, all_labels = [], []
    for m, (players_xy, ball_xyz) in enumerate(matches):
        print(f"match {m}: player frames {players_xy.shape[0]}, ball frames {ball_xyz.shape[0]}")
        feats = frame_features(players_xy, ball_xyz)
        clips, labels = make_clips(feats)
        all_clips.append(clips)
        all_labels.append(labels)

    clips = torch.cat(all_clips)
    labels = torch.cat(all_labels)
    print("clips:", tuple(clips.shape), "away share:", labels.float().mean().item())

    split = int(0.8 * len(labels))
    model = LooseBallGRU(clips.shape[-1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(15):
        model.train()
        logits = model(clips[:split])
        loss = loss_fn(logits, labels[:split])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} train loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        acc = (model(clips[split:]).argmax(-1) == labels[split:]).float().mean().item()
    print(f"held-out accuracy {acc:.3f} (chance ~{max(labels.float().mean().item(), 1 - labels.float().mean().item()):.2f})")
    print("done in", math.ceil(len(labels) * CLIP / FPS), "seconds of footage")


if __name__ == "__main__":
    main()
