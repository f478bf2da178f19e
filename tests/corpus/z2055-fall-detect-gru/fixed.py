"""Fall detection for a care-home camera: BlazePose landmark tracks -> fall / no fall.

Every track is 48 frames (~1.6 s at 30 fps) of 33 BlazePose landmarks with
(x, y, visibility). A per-joint embedding is applied frame-wise, the joint
embeddings of a frame are concatenated and a GRU runs over time.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

NUM_LANDMARKS = 33
TRACK_LEN = 48
HIP_L, HIP_R = 23, 24
SHOULDER_L, SHOULDER_R = 11, 12


def simulate_tracks(n_tracks, seed=0):
    """Standing people who either keep standing/walking or drop to the floor."""
    rng = np.random.default_rng(seed)
    tracks = np.zeros((n_tracks, TRACK_LEN, NUM_LANDMARKS, 3), dtype=np.float32)
    falls = rng.integers(0, 2, size=n_tracks)
    template_y = np.linspace(0.15, 0.95, NUM_LANDMARKS)
    for i in range(n_tracks):
        cx = rng.uniform(0.3, 0.7)
        drift = rng.normal(0, 0.002)
        onset = rng.integers(10, 30)
        for t in range(TRACK_LEN):
            ys = template_y.copy()
            if falls[i] and t >= onset:
                k = min(1.0, (t - onset) / 8)
                ys = (1 - k) * ys + k * (0.9 + 0.05 * rng.normal(size=NUM_LANDMARKS))
            tracks[i, t, :, 0] = cx + drift * t + 0.02 * rng.normal(size=NUM_LANDMARKS)
            tracks[i, t, :, 1] = ys + 0.01 * rng.normal(size=NUM_LANDMARKS)
            tracks[i, t, :, 2] = rng.uniform(0.6, 1.0, size=NUM_LANDMARKS)
    return tracks, falls


def normalize_tracks(tracks):
    """Center on mid-hip and scale by torso length, per frame."""
    xy = tracks[..., :2]
    mid_hip = (xy[:, :, HIP_L] + xy[:, :, HIP_R]) / 2
    mid_sh = (xy[:, :, SHOULDER_L] + xy[:, :, SHOULDER_R]) / 2
    torso = np.linalg.norm(mid_sh - mid_hip, axis=-1, keepdims=True).mean(1, keepdims=True)
    out = tracks.copy()
    out[..., :2] = (xy - mid_hip[:, :, None]) / (torso[:, :, None] + 1e-6)
    return out


class FallGRU(nn.Module):
    def __init__(self, in_ch=3, joint_dim=8, hidden=64):
        super().__init__()
        self.joint_embed = nn.Sequential(
            nn.Conv2d(in_ch, joint_dim, kernel_size=1),
            nn.BatchNorm2d(joint_dim),
            nn.ReLU(),
        )
        self.gru = nn.GRU(NUM_LANDMARKS * joint_dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, poses):
        # poses: (N, C, T, V)
        emb = self.joint_embed(poses)                 # (N, D, T, V)
        n, d, t, v = emb.shape
        frames = emb.permute(0, 2, 3, 1).reshape(n, t, v * d)
        _, h_last = self.gru(frames)
        return self.head(h_last[-1]).squeeze(-1)


def evaluate(model, loader):
    model.eval()
    tp = fp = fn = 0
    with torch.no_grad():
        for poses, is_fall in loader:
            pred = (torch.sigmoid(model(poses)) > 0.5).long()
            tp += ((pred == 1) & (is_fall == 1)).sum().item()
            fp += ((pred == 1) & (is_fall == 0)).sum().item()
            fn += ((pred == 0) & (is_fall == 1)).sum().item()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return prec, rec


def to_dataset(tracks, falls):
    poses = torch.from_numpy(normalize_tracks(tracks)).permute(0, 3, 1, 2).contiguous()
    return TensorDataset(poses, torch.from_numpy(falls).long())


def main():
    torch.manual_seed(1)
    train_tracks, train_falls = simulate_tracks(96, seed=1)
    val_tracks, val_falls = simulate_tracks(32, seed=2)
    train_loader = DataLoader(to_dataset(train_tracks, train_falls), batch_size=16, shuffle=True)
    val_loader = DataLoader(to_dataset(val_tracks, val_falls), batch_size=32)

    model = FallGRU()
    pos_weight = torch.tensor([(train_falls == 0).sum() / max((train_falls == 1).sum(), 1)],
                              dtype=torch.float32)
    criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(5):
        model.train()
        total = 0.0
        for poses, is_fall in train_loader:
            logits = model(poses)
            loss = criterion(logits, is_fall.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * poses.size(0)
        prec, rec = evaluate(model, val_loader)
        print(f"epoch {epoch}: loss {total / len(train_loader.dataset):.4f}  "
              f"val precision {prec:.2f} recall {rec:.2f}")


if __name__ == "__main__":
    main()
