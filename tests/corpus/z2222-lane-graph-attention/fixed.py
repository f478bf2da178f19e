import math
import random
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

PTS_PER_LANE = 20
HIST_STEPS = 8
FUT_STEPS = 12
D_MODEL = 48


def sample_lane(rng):
    start = rng.uniform(-30, 30, size=2)
    heading = rng.uniform(-np.pi, np.pi)
    curvature = rng.normal(0, 0.02)
    pts = []
    for i in range(PTS_PER_LANE):
        pts.append(start.copy())
        heading += curvature
        start = start + 2.0 * np.array([np.cos(heading), np.sin(heading)])
    return np.asarray(pts, dtype=np.float32)


class LaneSceneDataset(Dataset):
    """Each sample: one target agent history + the lane polylines around it (variable count)."""

    def __init__(self, n_scenes=96, min_lanes=3, max_lanes=14, seed=0):
        rng = np.random.default_rng(seed)
        self.scenes = []
        for _ in range(n_scenes):
            lanes = [sample_lane(rng) for _ in range(rng.integers(min_lanes, max_lanes + 1))]
            ego_lane = lanes[0]
            t0 = rng.integers(0, PTS_PER_LANE - 10)
            track = np.interp(
                np.linspace(t0, t0 + 9, HIST_STEPS + FUT_STEPS),
                np.arange(PTS_PER_LANE),
                ego_lane[:, 0],
            ), np.interp(
                np.linspace(t0, t0 + 9, HIST_STEPS + FUT_STEPS),
                np.arange(PTS_PER_LANE),
                ego_lane[:, 1],
            )
            track = np.stack(track, axis=1).astype(np.float32)
            track += rng.normal(0, 0.1, track.shape).astype(np.float32)
            self.scenes.append((track, lanes))

    def __len__(self):
        return len(self.scenes)

    def __getitem__(self, idx):
        track, lanes = self.scenes[idx]
        origin = track[HIST_STEPS - 1]
        hist = torch.from_numpy(track[:HIST_STEPS] - origin)
        fut = torch.from_numpy(track[HIST_STEPS:] - origin)
        lanes = torch.from_numpy(np.stack(lanes) - origin)
        return hist, fut, lanes


def collate_scenes(samples):
    hists, futs, lanes = zip(*samples)
    max_lanes = max(l.shape[0] for l in lanes)
    B = len(samples)
    lane_tensor = torch.zeros(B, max_lanes, PTS_PER_LANE, 2)
    lane_pad = torch.zeros(B, max_lanes, dtype=torch.bool)
    for i, l in enumerate(lanes):
        n = l.shape[0]
        lane_tensor[i, :n] = l
        lane_pad[i, n:] = 1
    return {
        "hist": torch.stack(hists),
        "fut": torch.stack(futs),
        "lanes": lane_tensor,
        "lane_pad": lane_pad,
    }


class PolylineEncoder(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(4, d), nn.ReLU(), nn.Linear(d, d))

    def forward(self, lanes):
        deltas = torch.diff(lanes, dim=-2, prepend=lanes[..., :1, :])
        feats = self.mlp(torch.cat([lanes, deltas], dim=-1))
        return feats.max(dim=-2).values


class LaneAttentionForecaster(nn.Module):
    def __init__(self, d=D_MODEL):
        super().__init__()
        self.agent_enc = nn.Sequential(nn.Linear(HIST_STEPS * 2, d), nn.ReLU(), nn.Linear(d, d))
        self.lane_enc = PolylineEncoder(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.decoder = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(), nn.Linear(d, FUT_STEPS * 2))
        self.d = d

    def forward(self, hist, lanes, lane_pad):
        agent = self.agent_enc(hist.flatten(1))
        lane_feats = self.lane_enc(lanes)
        scores = torch.einsum("bd,bld->bl", self.q(agent), self.k(lane_feats)) / math.sqrt(self.d)
        scores = scores.masked_fill(lane_pad, float("-inf"))
        attn = scores.softmax(dim=-1)
        lane_ctx = torch.einsum("bl,bld->bd", attn, self.v(lane_feats))
        out = self.decoder(torch.cat([agent, lane_ctx], dim=-1))
        return out.view(-1, FUT_STEPS, 2), attn


def train():
    train_ds = LaneSceneDataset(seed=1)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=collate_scenes)
    model = LaneAttentionForecaster()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(4):
        epoch_ade = []
        for batch in loader:
            pred, attn = model(batch["hist"], batch["lanes"], batch["lane_pad"])
            loss = F.mse_loss(pred, batch["fut"])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            epoch_ade.append(torch.linalg.norm(pred - batch["fut"], dim=-1).mean().item())
        print(f"epoch {epoch}: ADE {np.mean(epoch_ade):.3f}m  max lane attn {attn.max().item():.2f}")


if __name__ == "__main__":
    train()
